import { methodsEnabledFor } from '../authentication-methods/methodsEnabledFor.ts';
import { compilePolicies } from '../conditional-access/compile.ts';
import { markUser, type UserMarks } from '../conditional-access/evaluate.ts';
import type { ConditionalAccessPolicy } from '../conditional-access/types.ts';
import type { AuthenticationStrength } from '../strengths/types.ts';
import type { NamedLocation } from '../locations/types.ts';
import { fido2Restriction } from '../strengths/satisfies.ts';
import { ROLE } from '../../directory/roles.ts';
import type { DirectoryFacts, UserFacts } from './facts.ts';
import {
  analyzeTarget,
  REGISTRATION_TARGET,
  userMethods,
  type AnalysisTarget,
  type TargetVerdict,
  type UserMethods,
} from './analyzeUser.ts';
import { applicableIndex, userApplicable } from './applicable.ts';

type Verdict = Pick<TargetVerdict, 'status' | 'reasons'>;
/** Targets listed per user (the count is always complete). */
const MAX_LISTED = 25;

export type UserReport = {
  id: string;
  userPrincipalName: string;
  displayName: string;
  isGlobalAdministrator: boolean;
  /** How many targets the user cannot reach. */
  unreachableCount: number;
  /** Targets the user cannot reach (lockedOut or blocked), with the chain of reasons for each; at most 25. */
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
  needsOnboarding: Array<{
    id: string;
    userPrincipalName: string;
    targets: Array<{ target: AnalysisTarget; status: string; reasons: string[] }>;
  }>;
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
 * then evaluates per *signature*: a verdict depends only on which policies apply to the target
 * and to the registration action and on the user's methods (`applicable.ts`), so identical
 * (user, app) situations are evaluated once across the whole directory. Report-only
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
  const idx = applicableIndex(enforced);
  const methodKeys = methodRelevantKeys(input.facts);
  const methodsMemo = new Map<string, UserMethods>();
  // (applicable policies for the target, for registration, methods) → verdicts; see applicable.ts.
  const memo = new Map<string, { enforced: Verdict; asIfEnabled: Verdict | null }>();
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
    const mKey = methodSignature(u, methodKeys);
    let methods = methodsMemo.get(mKey);
    if (!methods) {
      methods = userMethods(u, methodsEnabledFor({ id: u.id, groupIds: u.groupIds }, input.facts.methodConfigurations), restricted);
      methodsMemo.set(mKey, methods);
    }
    const app = userApplicable(u, enforced, idx);
    const userKey = `${app.base}|${app.registration}|${mKey}`;
    let marks: { enforced: UserMarks; asIfEnabled: UserMarks | null } | undefined;
    const unreachable: TargetVerdict[] = [];
    const would: TargetVerdict[] = [];
    const onboarding: TargetVerdict[] = [];
    let unreachableCount = 0;
    let wouldCount = 0;
    for (const t of targets) {
      const appKey = t.kind === 'application' ? (app.special.get(t.appId.toLowerCase()) ?? '') : 'reg';
      const key = `${userKey}#${appKey}`;
      let v = memo.get(key);
      if (!v) {
        const strip = ({ status, reasons }: TargetVerdict): Verdict => ({ status, reasons });
        const who = { userId: u.id, groupIds: u.groupIds, roleIds: u.roleIds };
        marks ??= { enforced: markUser(who, enforced), asIfEnabled: asIfEnabled ? markUser(who, asIfEnabled) : null };
        v = {
          enforced: strip(analyzeTarget(u, methods, t, enforced, marks.enforced)),
          asIfEnabled: asIfEnabled ? strip(analyzeTarget(u, methods, t, asIfEnabled, marks.asIfEnabled!)) : null,
        };
        memo.set(key, v);
      }
      const e = v.enforced.status;
      if (e === 'lockedOut' || e === 'blocked') {
        if (unreachableCount++ < MAX_LISTED) unreachable.push({ target: t, ...v.enforced });
      } else if (v.asIfEnabled && (v.asIfEnabled.status === 'lockedOut' || v.asIfEnabled.status === 'blocked')) {
        if (wouldCount++ < MAX_LISTED) would.push({ target: t, ...v.asIfEnabled });
      }
      if ((e === 'okWithTap' || e === 'okAfterRegistration' || e === 'noSignInMethod') && onboarding.length < MAX_LISTED)
        onboarding.push({ target: t, ...v.enforced });
    }
    const who = {
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      isGlobalAdministrator: u.roleIds.includes(ROLE.globalAdministrator),
    };
    if (unreachableCount) report.lockedOutUsers.push({ ...who, unreachableCount, unreachable });
    else if (wouldCount) report.reportOnlyWouldLockOut.push({ ...who, unreachableCount: wouldCount, unreachable: would });
    if (onboarding.length && report.needsOnboarding.length < 1000)
      report.needsOnboarding.push({ id: u.id, userPrincipalName: u.userPrincipalName, targets: onboarding });
    if (onProgress && (i % step === 0 || i === total - 1)) onProgress(i + 1, total);
  }
  report.evaluatedSignatures = memo.size;
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/** Directory keys that can change what the authentication methods policy allows a user. */
function methodRelevantKeys(facts: DirectoryFacts): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const m of facts.methodConfigurations)
    for (const t of [...m.includeTargets, ...m.excludeTargets]) keys.add(`${t.targetType === 'user' ? 'u' : 'g'}:${t.id.toLowerCase()}`);
  return keys;
}

/** Users with equal method signatures have equal `UserMethods`. */
function methodSignature(u: UserFacts, relevant: ReadonlySet<string>): string {
  const parts: string[] = [];
  if (relevant.has(`u:${u.id.toLowerCase()}`)) parts.push(`u:${u.id}`);
  for (const g of u.groupIds) if (relevant.has(`g:${g.toLowerCase()}`)) parts.push(g);
  parts.push(
    `${u.hasPassword ? 'p' : ''}${u.softwareOath ? 's' : ''}${u.hardwareOath ? 'h' : ''}${u.issuedTap ?? ''}`,
    u.passkeyAaguids.join(','),
  );
  return parts.join(';');
}
