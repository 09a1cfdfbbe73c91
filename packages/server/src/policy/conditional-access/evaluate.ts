import { satisfies } from '../strengths/satisfies.ts';
import type { PerformedMode } from '../strengths/types.ts';
import type { CompiledPolicies, CompiledPolicy, Requirement } from './compile.ts';
import { conditionsOf, type Tri } from './conditions.ts';

/** What one sign-in (or a What If question) looks like to the evaluator. Absent fields are unknown. */
export interface SignInInput {
  userId: string;
  /** Transitive group ids (nested groups count, §1.2). */
  groupIds: Iterable<string>;
  /** Active directory role template ids. */
  roleIds: Iterable<string>;
  isGuest?: boolean;
  target:
    { kind: 'application'; appId: string } | { kind: 'userAction'; action: string } | { kind: 'authenticationContext'; value: string };
  ipAddress?: string | null | undefined;
  /** From the User-Agent (`platform.ts`); `unknown` when the User-Agent names none. */
  devicePlatform?: string | undefined;
  clientAppType?: string | undefined;
  signInRiskLevel?: string | undefined;
  userRiskLevel?: string | undefined;
  country?: string | undefined;
  deviceIsCompliant?: boolean | undefined;
  performed: readonly PerformedMode[];
  /** ms since epoch. */
  now: number;
}

/**
 * How unknown inputs count. `whatIf`: a condition whose input is missing makes the policy not
 * apply with `notEnoughInformation` (§1.8). `analysis`: assume a grant policy applies (so the user
 * must be able to satisfy it) and a conditional block does not (ADR 0008).
 */
export type UnknownMode = 'whatIf' | 'analysis';

export type PolicyResult =
  | 'success'
  | 'failure'
  | 'notApplied'
  | 'reportOnlySuccess'
  | 'reportOnlyFailure'
  | 'reportOnlyInterrupted'
  | 'reportOnlyNotApplied'
  | 'notEnabled';

export type AnalysisReason =
  | 'notSet'
  | 'notEnoughInformation'
  | 'users'
  | 'application'
  | 'userActions'
  | 'authenticationContext'
  | 'devicePlatform'
  | 'location'
  | 'clientApps'
  | 'signInRisk'
  | 'userRisk'
  | 'policyNotEnabled';

export interface PolicyOutcome {
  id: string;
  displayName: string;
  state: string;
  result: PolicyResult;
  applies: boolean;
  /** Why it does not apply (the first unmet condition), or `notSet` when it applies. */
  analysisReasons: AnalysisReason[];
  /** Plain-words chain (house style §12). */
  reasons: string[];
  /** Unmet requirements: every inner list is one way to satisfy the policy. */
  needs?: Requirement[][];
  /** Sign-in frequency demands a fresh sign-in. */
  reauthenticate?: boolean;
  /** Applied only because a condition's input was unknown (analysis mode). */
  conditional?: boolean;
}

export type Decision =
  | { decision: 'allow' }
  | { decision: 'block'; blockedBy: string[] }
  | { decision: 'needs'; needs: Array<{ policyId: string; displayName: string; anyOf: Requirement[][]; reauthenticate: boolean }> };

export interface Evaluation {
  decision: Decision;
  policies: PolicyOutcome[];
}

/**
 * Pure Conditional Access evaluation (entra-spec §1): every applicable enabled policy must be
 * satisfied; block wins; report-only policies are evaluated and recorded, never enforced;
 * disabled ones are skipped. Strengths targeting the registration user action take precedence
 * over All-resources strengths for registration (§2.5 decision).
 */
export function evaluate(
  input: SignInInput,
  compiled: CompiledPolicies,
  options: { unknown?: UnknownMode; includeAll?: boolean; marks?: UserMarks } = {},
): Evaluation {
  const mode = options.unknown ?? 'whatIf';
  const n = compiled.policies.length;
  const { included, excluded } = options.marks ?? markUser(input, compiled);
  const candidates = candidatesFor(input.target, compiled);
  const isRegistration = input.target.kind === 'userAction';

  // Pass 1: which candidate policies apply.
  const applied: Array<{ p: CompiledPolicy; conditional: boolean }> = [];
  const outcomes = new Map<number, PolicyOutcome>();
  for (const i of candidates) {
    const p = compiled.policies[i]!;
    const state = p.policy.state;
    if (state === 'disabled') {
      outcomes.set(i, base(p, 'notEnabled', ['policyNotEnabled'], ['The policy is disabled.']));
      continue;
    }
    const notApplied = state === 'enabled' ? 'notApplied' : 'reportOnlyNotApplied';
    if (!included[i] || excluded[i] || (p.excludeGuests && input.isGuest)) {
      outcomes.set(
        i,
        base(
          p,
          notApplied,
          ['users'],
          [
            excluded[i]
              ? 'The user is excluded (exclude wins over include).'
              : 'The policy does not include this user, their groups or roles.',
          ],
        ),
      );
      continue;
    }
    if (input.target.kind === 'application' && p.excludeApps.has(input.target.appId.toLowerCase())) {
      outcomes.set(i, base(p, notApplied, ['application'], ['The application is excluded.']));
      continue;
    }
    const c = conditionsOf(p, input, compiled);
    if (c.applies === false || (c.applies === undefined && (mode === 'whatIf' || p.block))) {
      const reason: AnalysisReason = c.applies === undefined ? 'notEnoughInformation' : c.reason!;
      outcomes.set(i, base(p, notApplied, [reason], [c.explanation]));
      continue;
    }
    applied.push({ p, conditional: c.applies === undefined });
  }

  // §2.5: strengths on the registration action win over All-resources strengths, per enforcement set.
  const actionStrength = { enabled: false, any: false };
  if (isRegistration)
    for (const { p } of applied)
      if (p.actions.size && p.requirements.some((r) => r.kind === 'authenticationStrength')) {
        actionStrength.any = true;
        if (p.policy.state === 'enabled') actionStrength.enabled = true;
      }

  // Pass 2: grants of the applied policies.
  const blockedBy: string[] = [];
  const needs: Extract<Decision, { decision: 'needs' }>['needs'] = [];
  for (const { p, conditional } of applied) {
    const enforced = p.policy.state === 'enabled';
    const superseded = isRegistration && !p.actions.size && (enforced ? actionStrength.enabled : actionStrength.any);
    const g = grantOf(p, input, compiled, superseded);
    const o = base(p, 'success', ['notSet'], g.reasons);
    o.applies = true;
    if (conditional) o.conditional = true;
    if (g.block) {
      o.result = enforced ? 'failure' : 'reportOnlyFailure';
      if (enforced) blockedBy.push(p.policy.id);
    } else if (g.satisfied) o.result = enforced ? 'success' : 'reportOnlySuccess';
    else {
      o.needs = g.anyOf;
      if (g.reauthenticate) o.reauthenticate = true;
      o.result = enforced ? 'failure' : g.interactive ? 'reportOnlyInterrupted' : 'reportOnlyFailure';
      if (enforced)
        needs.push({ policyId: p.policy.id, displayName: p.policy.displayName, anyOf: g.anyOf, reauthenticate: g.reauthenticate });
    }
    outcomes.set(p.index, o);
  }

  const decision: Decision = blockedBy.length
    ? { decision: 'block', blockedBy }
    : needs.length
      ? { decision: 'needs', needs }
      : { decision: 'allow' };
  const policies: PolicyOutcome[] = [];
  if (options.includeAll) {
    for (let i = 0; i < n; i++) {
      const p = compiled.policies[i]!;
      policies.push(outcomes.get(i) ?? notTargetedOutcome(p, input.target.kind));
    }
  } else for (const o of outcomes.values()) policies.push(o);
  return { decision, policies };
}

/** Which policies include and exclude a user (by user, group and role keys); reusable across evaluations of the same user. */
export interface UserMarks {
  included: Uint8Array;
  excluded: Uint8Array;
}

export function markUser(input: Pick<SignInInput, 'userId' | 'groupIds' | 'roleIds' | 'isGuest'>, compiled: CompiledPolicies): UserMarks {
  const n = compiled.policies.length;
  const included = new Uint8Array(n);
  const excluded = new Uint8Array(n);
  for (const k of userKeys(input)) {
    for (const i of compiled.includeByKey.get(k) ?? []) included[i] = 1;
    for (const i of compiled.excludeByKey.get(k) ?? []) excluded[i] = 1;
  }
  for (const i of compiled.includeAllUsers) {
    const p = compiled.policies[i]!;
    if (p.includeAllUsers || (p.includeGuests && input.isGuest)) included[i] = 1;
  }
  return { included, excluded };
}

/** The (frozen, shared) outcome of a policy that does not target this kind of resource: one object per policy, not per sign-in. */
function notTargetedOutcome(p: CompiledPolicy, kind: SignInInput['target']['kind']): PolicyOutcome {
  const byKind = p.notTargeted;
  let o = byKind.get(kind);
  if (!o) {
    const reason: AnalysisReason =
      p.policy.state === 'disabled'
        ? 'policyNotEnabled'
        : kind === 'userAction'
          ? 'userActions'
          : kind === 'authenticationContext'
            ? 'authenticationContext'
            : 'application';
    const result: PolicyResult =
      p.policy.state === 'disabled' ? 'notEnabled' : p.policy.state === 'enabled' ? 'notApplied' : 'reportOnlyNotApplied';
    o = Object.freeze(
      base(
        p,
        result,
        [reason],
        [reason === 'policyNotEnabled' ? 'The policy is disabled.' : 'The policy does not target this application or action.'],
      ),
    );
    byKind.set(kind, o);
  }
  return o;
}

function base(p: CompiledPolicy, result: PolicyResult, analysisReasons: AnalysisReason[], reasons: string[]): PolicyOutcome {
  return { id: p.policy.id, displayName: p.policy.displayName, state: p.policy.state, result, applies: false, analysisReasons, reasons };
}

/** The lookup keys naming this user (`u:`, `g:`, `r:`), lower-cased. */
export function userKeys(input: Pick<SignInInput, 'userId' | 'groupIds' | 'roleIds'>): string[] {
  const keys = [`u:${input.userId.toLowerCase()}`];
  for (const g of input.groupIds) keys.push(`g:${g.toLowerCase()}`);
  for (const r of input.roleIds) keys.push(`r:${r.toLowerCase()}`);
  return keys;
}

/** Policy indexes that target this app / action / context, in policy order. */
function candidatesFor(target: SignInInput['target'], c: CompiledPolicies): number[] {
  const specific =
    target.kind === 'application'
      ? (c.byApp.get(target.appId.toLowerCase()) ?? [])
      : target.kind === 'userAction'
        ? (c.byAction.get(target.action.toLowerCase()) ?? [])
        : (c.byAuthContext.get(target.value) ?? []);
  // "All resources" covers every token issuance, the registration action included (§1.3, §2.5);
  // authentication contexts are asked for explicitly, so only policies naming them apply.
  const all = target.kind === 'authenticationContext' ? [] : c.allApps;
  if (!specific.length) return all as number[];
  if (!all.length) return specific as number[];
  return [...new Set([...all, ...specific])].sort((a, b) => a - b);
}

interface Grant {
  block: boolean;
  satisfied: boolean;
  /** The user could satisfy it by acting (a stronger method, signing in again). */
  interactive: boolean;
  reauthenticate: boolean;
  anyOf: Requirement[][];
  reasons: string[];
}

function grantOf(p: CompiledPolicy, input: SignInInput, compiled: CompiledPolicies, superseded: boolean): Grant {
  const reasons: string[] = [];
  if (p.block)
    return { block: true, satisfied: false, interactive: false, reauthenticate: false, anyOf: [], reasons: ['The policy blocks access.'] };
  let performed = input.performed;
  let reauthenticate = false;
  if (p.frequencyMs !== null) {
    const since = input.now - p.frequencyMs;
    performed = performed.filter((m) => !m.at || Date.parse(m.at) >= since);
    if (p.frequencyCoversPrimary && input.performed.length && !performed.length) {
      reauthenticate = true;
      reasons.push('Sign-in frequency: the last sign-in is older than the policy allows; sign in again.');
    } else if (performed.length < input.performed.length)
      reasons.push('Sign-in frequency: methods performed before the window do not count.');
  }
  const met = p.requirements.map((r) => requirementMet(r, performed, input, compiled, superseded, reasons));
  const unmet = p.requirements.filter((_, i) => !met[i]);
  const satisfied = !reauthenticate && (p.requirements.length === 0 || (p.operator === 'OR' ? met.some(Boolean) : met.every(Boolean)));
  const anyOf = satisfied ? [] : p.operator === 'OR' ? p.requirements.map((r) => [r]) : [unmet];
  const interactive = unmet.every((r) => r.kind === 'authenticationStrength');
  return { block: false, satisfied, interactive, reauthenticate, anyOf, reasons };
}

function requirementMet(
  r: Requirement,
  performed: readonly PerformedMode[],
  input: SignInInput,
  compiled: CompiledPolicies,
  superseded: boolean,
  reasons: string[],
): boolean {
  if (r.kind === 'compliantDevice') {
    reasons.push(
      input.deviceIsCompliant
        ? 'The device is compliant.'
        : 'Requires a compliant device; Latchkey has no device compliance signal for this sign-in.',
    );
    return !!input.deviceIsCompliant;
  }
  if (r.kind === 'unsupportedControl') {
    reasons.push(`Requires '${r.control}', which Latchkey cannot satisfy.`);
    return false;
  }
  if (superseded) {
    reasons.push(`'${r.displayName}' is superseded during registration by a strength on the registration action (§2.5).`);
    return true;
  }
  const s = compiled.strengths.get(r.id);
  if (!s) {
    reasons.push(`Authentication strength '${r.id}' does not exist.`);
    return false;
  }
  const res = satisfies(s, performed);
  reasons.push(
    res.satisfied
      ? `'${s.displayName}' is satisfied by ${res.combination}.`
      : res.aaGuidRejected
        ? `'${s.displayName}' allows only specific security keys (AAGUIDs); the passkey used is not one of them.`
        : `'${s.displayName}' needs one of: ${s.allowedCombinations.join(' | ')}.`,
  );
  return res.satisfied;
}

export type { Tri };
