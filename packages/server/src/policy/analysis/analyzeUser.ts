import type { UserMethodPolicy } from '../authentication-methods/methodsEnabledFor.ts';
import type { CompiledPolicies, Requirement } from '../conditional-access/compile.ts';
import { evaluate, markUser, type Evaluation, type SignInInput, type UserMarks } from '../conditional-access/evaluate.ts';
import { REGISTER_SECURITY_INFO } from '../conditional-access/types.ts';
import type { PerformedMode } from '../strengths/types.ts';
import type { UserFacts } from './facts.ts';

export type AnalysisTarget =
  { kind: 'application'; appId: string; displayName: string } | { kind: 'userAction'; action: string; displayName: string };

/** `ok`: existing methods suffice · `okWithTap`: an administrator must issue a TAP · `okAfterRegistration`: after registering a method · `noSignInMethod`: no policy in the way, but nothing to sign in with yet (not counted as a lockout) · `blocked`: a block policy · `lockedOut`: no way in. */
export type TargetStatus = 'ok' | 'okWithTap' | 'okAfterRegistration' | 'noSignInMethod' | 'blocked' | 'lockedOut';

export interface TargetVerdict {
  target: AnalysisTarget;
  status: TargetStatus;
  /** The chain of reasons, in plain words. */
  reasons: string[];
}

export const REGISTRATION_TARGET: AnalysisTarget = {
  kind: 'userAction',
  action: REGISTER_SECURITY_INFO,
  displayName: 'Register security information',
};
const FIRST_FACTORS = new Set(['password', 'fido2', 'temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse']);
const MODE_NAMES: Record<string, string> = {
  password: 'password',
  fido2: 'passkey',
  softwareOath: 'authenticator app code',
  hardwareOath: 'hardware OATH token',
  deviceBasedPush: 'phone approval',
  temporaryAccessPassOneTime: 'one-time Temporary Access Pass',
  temporaryAccessPassMultiUse: 'multi-use Temporary Access Pass',
};

/** What a user holds, could be given (TAP), and could add themselves, as modes. */
export interface UserMethods {
  have: PerformedMode[];
  tap: PerformedMode[];
  tapReason: string;
  registrable: PerformedMode[];
  registrableNames: string[];
}

/** The user's methods under the authentication methods policy (a method counts only if enabled for them, §7.7). */
export function userMethods(u: UserFacts, policy: UserMethodPolicy, restrictedAaguids: readonly string[]): UserMethods {
  const usable = policy.usable;
  const have: PerformedMode[] = [];
  if (u.hasPassword && usable.has('Password')) have.push({ mode: 'password' });
  if (usable.has('Fido2')) for (const a of u.passkeyAaguids) have.push({ mode: 'fido2', aaGuid: a });
  if (u.softwareOath && usable.has('SoftwareOath')) have.push({ mode: 'softwareOath' });
  if (u.hardwareOath && usable.has('HardwareOath')) have.push({ mode: 'hardwareOath' });
  const tapConfig = policy.configurations.TemporaryAccessPass as { isUsableOnce?: boolean } | undefined;
  const tap: PerformedMode[] = usable.has('TemporaryAccessPass')
    ? [{ mode: 'temporaryAccessPassOneTime' }, ...(tapConfig?.isUsableOnce ? [] : [{ mode: 'temporaryAccessPassMultiUse' }])]
    : [];
  // A pass the user already holds counts as a method they have (still only if the policy enables TAP for them, §3.1).
  if (u.issuedTap && usable.has('TemporaryAccessPass') && !(u.issuedTap === 'multiUse' && tapConfig?.isUsableOnce))
    have.push({ mode: u.issuedTap === 'oneTime' ? 'temporaryAccessPassOneTime' : 'temporaryAccessPassMultiUse' });
  const tapDecision = policy.methods.find((m) => m.methodId === 'TemporaryAccessPass');
  const tapReason = tap.length
    ? 'a Temporary Access Pass policy targets the user'
    : `no Temporary Access Pass policy targets the user (${tapDecision?.reason ?? 'not configured'})`;
  const registrable: PerformedMode[] = [];
  const registrableNames: string[] = [];
  if (policy.selfRegistrable.has('Fido2')) {
    registrable.push({ mode: 'fido2' }, ...restrictedAaguids.map((a) => ({ mode: 'fido2', aaGuid: a })));
    registrableNames.push('passkey');
  }
  if (policy.selfRegistrable.has('SoftwareOath')) {
    registrable.push({ mode: 'softwareOath' });
    registrableNames.push('authenticator app code');
  }
  if (policy.selfRegistrable.has('MicrosoftAuthenticator')) {
    registrable.push({ mode: 'deviceBasedPush' });
    registrableNames.push('phone approval');
  }
  return { have, tap, tapReason, registrable, registrableNames };
}

/**
 * Can this user get into `target`? (issue 4 item 8) Tries, in order: the methods they have; the
 * same plus a TAP an administrator could issue; and — if they can pass the registration action
 * with those — the methods they could then register. Each evaluation is the pure evaluator in
 * `analysis` mode (unknown conditions: grant policies assumed to apply, conditional blocks not).
 */
export function analyzeTarget(
  u: UserFacts,
  m: UserMethods,
  target: AnalysisTarget,
  compiled: CompiledPolicies,
  marks?: UserMarks,
): TargetVerdict {
  const userMarks = marks ?? markUser({ userId: u.id, groupIds: u.groupIds, roleIds: u.roleIds }, compiled);
  const run = (performed: PerformedMode[], t: AnalysisTarget = target) =>
    evaluate(inputFor(u, t, performed), compiled, { unknown: 'analysis', marks: userMarks });
  const withTap = [...m.have, ...m.tap];
  const first = run(m.have);
  if (first.decision.decision === 'allow') {
    if (canStart(m.have)) return { target, status: 'ok', reasons: [] };
    if (canStart(withTap) && run(withTap).decision.decision === 'allow')
      return {
        target,
        status: 'okWithTap',
        reasons: [`has no sign-in method yet; needs a Temporary Access Pass from an administrator (${m.tapReason})`],
      };
    return {
      target,
      status: 'noSignInMethod',
      reasons: [
        'no policy stands in the way, but the user has no method to sign in with yet (issue a Temporary Access Pass)',
      ],
    };
  }
  if (first.decision.decision === 'block') return { target, status: 'blocked', reasons: blockReasons(first, compiled) };
  if (m.tap.length && run(withTap).decision.decision === 'allow')
    return { target, status: 'okWithTap', reasons: [`needs a Temporary Access Pass from an administrator (${m.tapReason})`] };

  const reasons = [...needsReasons(first, compiled), `the user has ${describe(m.have)}`];
  const isRegistration = target.kind === 'userAction';
  if (!isRegistration && m.registrable.length) {
    const reg = run(withTap, REGISTRATION_TARGET);
    if (reg.decision.decision === 'allow') {
      if (run([...withTap, ...m.registrable]).decision.decision === 'allow') {
        const tapNeeded = run(m.have, REGISTRATION_TARGET).decision.decision !== 'allow' || !canStart(m.have);
        return {
          target,
          status: 'okAfterRegistration',
          reasons: [
            `must first register a ${m.registrableNames.join(' or ')}${tapNeeded ? ', signing in with a Temporary Access Pass from an administrator' : ''}`,
          ],
        };
      }
      reasons.push(`registering a ${m.registrableNames.join(' or ')} would still not satisfy the policy`);
    } else {
      const covering =
        reg.decision.decision === 'needs'
          ? reg.decision.needs.map((n) => n.displayName)
          : reg.decision.decision === 'block'
            ? reg.decision.blockedBy.map((id) => nameOf(id, compiled))
            : [];
      reasons.push(
        `registering a ${m.registrableNames.join(' or ')} requires the registration action, which ${covering.length ? covering.join(', ') : 'Conditional Access'} also covers and the user cannot satisfy`,
      );
    }
  } else if (!isRegistration) reasons.push('the authentication methods policy lets the user register no method that could help');
  reasons.push(m.tapReason);
  return { target, status: 'lockedOut', reasons };
}

function inputFor(u: UserFacts, t: AnalysisTarget, performed: PerformedMode[]): SignInInput {
  return {
    userId: u.id,
    groupIds: u.groupIds,
    roleIds: u.roleIds,
    target: t.kind === 'application' ? { kind: 'application', appId: t.appId } : { kind: 'userAction', action: t.action },
    performed,
    now: 0,
  };
}

const canStart = (modes: readonly PerformedMode[]) => modes.some((m) => FIRST_FACTORS.has(m.mode));
const nameOf = (id: string, c: CompiledPolicies) => c.policies.find((p) => p.policy.id === id)?.policy.displayName ?? id;

function describe(modes: readonly PerformedMode[]): string {
  const names = [...new Set(modes.map((m) => MODE_NAMES[m.mode] ?? m.mode))];
  return names.length ? `only: ${names.join(', ')}` : 'no registered method';
}

function blockReasons(e: Evaluation, c: CompiledPolicies): string[] {
  return e.decision.decision === 'block' ? e.decision.blockedBy.map((id) => `${nameOf(id, c)} blocks access`) : [];
}

function needsReasons(e: Evaluation, c: CompiledPolicies): string[] {
  if (e.decision.decision !== 'needs') return [];
  return e.decision.needs.map(
    (n) => `${n.displayName} needs ${n.anyOf.map((alt) => alt.map((r) => requirementText(r, c)).join(' and ')).join(' or ')}`,
  );
}

function requirementText(r: Requirement, c: CompiledPolicies): string {
  if (r.kind === 'compliantDevice') return 'a compliant device (Latchkey has no device compliance)';
  if (r.kind === 'unsupportedControl') return `'${r.control}' (not available in Latchkey)`;
  const s = c.strengths.get(r.id);
  return `${r.displayName}${s ? ` (${s.allowedCombinations.join(' | ')})` : ''}`;
}
