import { methodsEnabledFor } from '../authentication-methods/methodsEnabledFor.ts';
import { compilePolicies, type CompiledPolicies } from '../conditional-access/compile.ts';
import type { ConditionalAccessPolicy } from '../conditional-access/types.ts';
import type { AuthenticationStrength } from '../strengths/types.ts';
import type { NamedLocation } from '../locations/types.ts';
import { fido2Restriction } from '../strengths/satisfies.ts';
import { ROLE } from '../../directory/roles.ts';
import type { DirectoryFacts, UserFacts } from './facts.ts';
import { analyzeTarget, REGISTRATION_TARGET, userMethods, type AnalysisTarget, type TargetVerdict } from './analyzeUser.ts';

export type UserReport = {
  id: string;
  userPrincipalName: string;
  displayName: string;
  isGlobalAdministrator: boolean;
  /** Targets the user cannot reach (lockedOut or blocked), with the chain of reasons for each. */
  unreachable: TargetVerdict[];
};

export type AnalysisReport = {
  analyzedDateTime: string;
  userCount: number;
  targetCount: number;
  /** Distinct (groups, roles, methods) signatures actually evaluated. */
  evaluatedSignatures: number;
  /** Users who cannot reach at least one target under enabled policies. */
  lockedOutUsers: UserReport[];
  /** Users who would additionally be locked out if report-only policies were enabled. */
  reportOnlyWouldLockOut: UserReport[];
  /** Users who get in only after an administrator issues a TAP or after registering a method. */
  needsOnboarding: Array<{ id: string; userPrincipalName: string; targets: Array<{ target: AnalysisTarget; status: string; reasons: string[] }> }>;
  durationMs: number;
};

export type Progress = (done: number, total: number) => void;

/** Inputs to one analysis: the directory (loaded once) and the CA objects to judge. */
export type AnalysisInput = {
  facts: DirectoryFacts;
  policies: readonly ConditionalAccessPolicy[];
  strengths: readonly AuthenticationStrength[];
  locations: readonly NamedLocation[];
};

/**
 * Every user × every application and the registration action (issue 4 item 8). Compiles once,
 * then evaluates per *signature*: users with the same relevant groups, roles, directly-named
 * status and methods get the same answer, so identical users are evaluated once. Report-only
 * policies are judged a second time as if enabled, to show who they would lock out. Yields to
 * the event loop every 2,000 users.
 */
export async function runAnalysis(input: AnalysisInput, onProgress?: Progress): Promise<AnalysisReport> {
  const started = performance.now();
  const enforced = compilePolicies(input.policies, input.strengths, input.locations);
  const hasReportOnly = input.policies.some((p) => p.state === 'enabledForReportingButNotEnforced');
  const asIfEnabled = hasReportOnly
    ? compilePolicies(
        input.policies.map((p) => (p.state === 'enabledForReportingButNotEnforced' ? { ...p, state: 'enabled' as const } : p)),
        input.strengths,
        input.locations,
      )
    : null;
  const targets: AnalysisTarget[] = [
    ...input.facts.applications.map((a) => ({ kind: 'application' as const, appId: a.appId, displayName: a.displayName })),
    REGISTRATION_TARGET,
  ];
  const restricted = [...new Set(input.strengths.flatMap((s) => [...(fido2Restriction(s) ?? [])]))];
  const relevant = relevantKeys(enforced, input.facts);
  const memo = new Map<string, { enforced: TargetVerdict[]; asIfEnabled: TargetVerdict[] | null }>();
  const report: AnalysisReport = {
    analyzedDateTime: new Date().toISOString(),
    userCount: input.facts.users.length,
    targetCount: targets.length,
    evaluatedSignatures: 0,
    lockedOutUsers: [],
    reportOnlyWouldLockOut: [],
    needsOnboarding: [],
    durationMs: 0,
  };
  const total = input.facts.users.length;
  const step = Math.max(1, Math.floor(total / 200));
  for (let i = 0; i < total; i++) {
    const u = input.facts.users[i]!;
    // Yield now and then so a server stays responsive and progress can be observed.
    if (i % 2000 === 1999) await new Promise((r) => setImmediate(r));
    const key = signature(u, relevant);
    let verdicts = memo.get(key);
    if (!verdicts) {
      const methods = userMethods(u, methodsEnabledFor({ id: u.id, groupIds: u.groupIds }, input.facts.methodConfigurations), restricted);
      const judge = (c: CompiledPolicies) => targets.map((t) => analyzeTarget(u, methods, t, c));
      verdicts = { enforced: judge(enforced), asIfEnabled: asIfEnabled ? judge(asIfEnabled) : null };
      memo.set(key, verdicts);
    }
    const isGA = u.roleIds.includes(ROLE.globalAdministrator);
    const bad = (vs: TargetVerdict[]) => vs.filter((v) => v.status === 'lockedOut' || v.status === 'blocked');
    const unreachable = bad(verdicts.enforced);
    const who = { id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName, isGlobalAdministrator: isGA };
    if (unreachable.length) report.lockedOutUsers.push({ ...who, unreachable });
    else if (verdicts.asIfEnabled) {
      const would = bad(verdicts.asIfEnabled);
      if (would.length) report.reportOnlyWouldLockOut.push({ ...who, unreachable: would });
    }
    const onboarding = verdicts.enforced.filter((v) => v.status === 'okWithTap' || v.status === 'okAfterRegistration' || v.status === 'noSignInMethod');
    if (onboarding.length && report.needsOnboarding.length < 1000) report.needsOnboarding.push({ id: u.id, userPrincipalName: u.userPrincipalName, targets: onboarding });
    if (onProgress && (i % step === 0 || i === total - 1)) onProgress(i + 1, total);
  }
  report.evaluatedSignatures = memo.size;
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/** Directory keys that can change an answer: named by a CA policy or by a method configuration's targets. */
function relevantKeys(c: CompiledPolicies, facts: DirectoryFacts): ReadonlySet<string> {
  const keys = new Set(c.referencedKeys);
  for (const m of facts.methodConfigurations)
    for (const t of [...m.includeTargets, ...m.excludeTargets]) keys.add(`${t.targetType === 'user' ? 'u' : 'g'}:${t.id.toLowerCase()}`);
  return keys;
}

function signature(u: UserFacts, relevant: ReadonlySet<string>): string {
  const parts: string[] = [];
  if (relevant.has(`u:${u.id.toLowerCase()}`)) parts.push(`u:${u.id}`);
  for (const g of u.groupIds) if (relevant.has(`g:${g.toLowerCase()}`)) parts.push(`g:${g}`);
  for (const r of u.roleIds) if (relevant.has(`r:${r.toLowerCase()}`)) parts.push(`r:${r}`);
  parts.push(`p:${u.hasPassword ? 1 : 0}`, `s:${u.softwareOath ? 1 : 0}`, `h:${u.hardwareOath ? 1 : 0}`, `k:${u.passkeyAaguids.join(',')}`);
  return parts.join('|');
}
