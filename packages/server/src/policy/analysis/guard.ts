import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import type { ConditionalAccessPolicy } from '../conditional-access/types.ts';
import type { AuthenticationStrength } from '../strengths/types.ts';
import { listCustomStrengths } from '../strengths/repository.ts';
import { listNamedLocations } from '../locations/repository.ts';
import { loadDirectoryFacts, type UserFacts } from './facts.ts';
import { compilePolicies } from '../conditional-access/compile.ts';
import { markUser } from '../conditional-access/evaluate.ts';
import type { NamedLocation } from '../locations/types.ts';
import { runAnalysis, type AnalysisReport, type UserReport } from './run.ts';
import { listPolicies } from '../conditional-access/repository.ts';
import type { MethodConfiguration } from '../authentication-methods/types.ts';

export interface LockoutRisk {
  /** Global Administrators who lose a target they could reach before. */
  globalAdministrators: Array<{ id: string; userPrincipalName: string; reasons: string[] }>;
  /** The acting administrator, when they lose a target. */
  actingAdministrator: { id: string; userPrincipalName: string; reasons: string[] } | null;
  /** Users a changed policy includes (before or after): the only ones whose answer can change, and the ones counted below. */
  affectedUsers: number;
  lockedOutBefore: number;
  lockedOutAfter: number;
  /** Users locked out after the change who were not before (first 50). */
  newlyLockedOut: Array<{ id: string; userPrincipalName: string; reasons: string[] }>;
}

/**
 * The lockout guard (issue 4 item 8): runs the analysis on the policies (and strengths) before
 * and after a change, inside the caller's transaction (so "before" is what is committed). Refuses — 409,
 * `details.code = "LockoutRisk"` — a change that makes any Global Administrator or the acting
 * administrator lose a target they could reach, or that locks out more users than before,
 * unless `confirm` is true. Returns the risk either way (null when there is none).
 */
export async function guardLockout(
  trx: Kysely<DB>,
  ctx: RequestContext,
  before: readonly ConditionalAccessPolicy[],
  after: readonly ConditionalAccessPolicy[],
  confirm: boolean,
  /** For a change to a strength: the custom strengths after it (default: unchanged). */
  strengthsAfter?: readonly AuthenticationStrength[],
): Promise<LockoutRisk | null> {
  const [all, strengths, locations] = await Promise.all([loadDirectoryFacts(trx), listCustomStrengths(trx), listNamedLocations(trx)]);
  // Incremental: only users some changed policy includes (before or after) can get a different answer.
  const facts = {
    ...all,
    users: affectedUsers(all.users, changedPolicies(before, after, strengths, strengthsAfter), strengths, locations),
  };
  const was = await runAnalysis({ facts, policies: before, strengths, locations });
  const now = await runAnalysis({ facts, policies: after, strengths: strengthsAfter ?? strengths, locations });
  return judgeChange(ctx, was, now, facts.users.length, confirm);
}

/**
 * The lockout guard for a change to the authentication methods policy (a method disabled, a group
 * excluded, an authenticator blocked, a TAP rule changed): the same rules as `guardLockout`, with
 * the Conditional Access policies as they are and the method configurations before and after.
 * Every user can be affected, so every user is analysed.
 */
export async function guardMethodsChange(
  trx: Kysely<DB>,
  ctx: RequestContext,
  configurationsAfter: readonly MethodConfiguration[],
  confirm: boolean,
): Promise<LockoutRisk | null> {
  const [facts, policies, strengths, locations] = await Promise.all([loadDirectoryFacts(trx), listPolicies(trx), listCustomStrengths(trx), listNamedLocations(trx)]);
  const was = await runAnalysis({ facts, policies, strengths, locations });
  const now = await runAnalysis({ facts: { ...facts, methodConfigurations: configurationsAfter }, policies, strengths, locations });
  return judgeChange(ctx, was, now, facts.users.length, confirm);
}

/** Compares the analyses before and after a change; throws 409 LockoutRisk unless confirmed (see `guardLockout`). */
function judgeChange(ctx: RequestContext, was: AnalysisReport, now: AnalysisReport, affectedUsers: number, confirm: boolean): LockoutRisk | null {
  const priorById = new Map(was.lockedOutUsers.map((b) => [b.id, b]));
  const lost = (u: UserReport): string[] => {
    const prior = priorById.get(u.id);
    const priorKeys = new Set((prior?.unreachable ?? []).map((v) => key(v.target)));
    const lostNow = u.unreachable
      .filter((v) => !priorKeys.has(key(v.target)))
      .map((v) => `${v.target.displayName}: ${v.reasons.join('; ')}`);
    // Lists are capped; the counts are not.
    if (!lostNow.length && u.unreachableCount > (prior?.unreachableCount ?? 0))
      lostNow.push(`${u.unreachableCount - (prior?.unreachableCount ?? 0)} more target(s) become unreachable`);
    return lostNow;
  };
  const newly = now.lockedOutUsers.map((u) => ({ u, reasons: lost(u) })).filter((x) => x.reasons.length);
  const actorId = ctx.principal.kind === 'user' ? ctx.principal.id : null;
  const actor = newly.find((x) => x.u.id === actorId);
  const risk: LockoutRisk = {
    globalAdministrators: newly
      .filter((x) => x.u.isGlobalAdministrator)
      .map((x) => ({ id: x.u.id, userPrincipalName: x.u.userPrincipalName, reasons: x.reasons })),
    actingAdministrator: actor ? { id: actor.u.id, userPrincipalName: actor.u.userPrincipalName, reasons: actor.reasons } : null,
    affectedUsers,
    lockedOutBefore: was.lockedOutUsers.length,
    lockedOutAfter: now.lockedOutUsers.length,
    newlyLockedOut: newly.slice(0, 50).map((x) => ({ id: x.u.id, userPrincipalName: x.u.userPrincipalName, reasons: x.reasons })),
  };
  const risky = risk.globalAdministrators.length > 0 || risk.actingAdministrator !== null || risk.lockedOutAfter > risk.lockedOutBefore;
  if (!risky) return null;
  if (!confirm) {
    const who = [
      ...risk.globalAdministrators.map((g) => `Global Administrator ${g.userPrincipalName}`),
      ...(risk.actingAdministrator && !risk.globalAdministrators.some((g) => g.id === risk.actingAdministrator!.id)
        ? [`you (${risk.actingAdministrator.userPrincipalName})`]
        : []),
    ];
    throw new ApiError(
      'Request_Conflict',
      `This change would lock out ${who.length ? who.join(', ') : `${risk.lockedOutAfter - risk.lockedOutBefore} more user(s)`} (locked out before: ${risk.lockedOutBefore}, after: ${risk.lockedOutAfter}). Review details, then repeat with ?confirmLockout=true to apply it anyway.`,
      { details: { code: 'LockoutRisk', ...risk } },
    );
  }
  return risk;
}

const key = (t: { kind: string; displayName: string } & ({ appId: string } | { action: string })) =>
  'appId' in t ? `a:${t.appId}` : `x:${t.action}`;

/** Policies added, removed or edited between `before` and `after`, and those using a strength that changed. */
export function changedPolicies(
  before: readonly ConditionalAccessPolicy[],
  after: readonly ConditionalAccessPolicy[],
  strengths: readonly AuthenticationStrength[],
  strengthsAfter: readonly AuthenticationStrength[] | undefined,
): ConditionalAccessPolicy[] {
  const was = new Map(before.map((p) => [p.id, JSON.stringify(p)]));
  const now = new Map(after.map((p) => [p.id, JSON.stringify(p)]));
  const changedStrengths = new Set(
    (strengthsAfter ?? []).filter((s) => JSON.stringify(s) !== JSON.stringify(strengths.find((x) => x.id === s.id))).map((s) => s.id),
  );
  return [
    ...before.filter((p) => now.get(p.id) !== was.get(p.id) || changedStrengths.has(p.grantControls?.authenticationStrength?.id ?? '')),
    ...after.filter((p) => now.get(p.id) !== was.get(p.id)),
  ];
}

/** Users at least one of `changed` includes and does not exclude. */
export function affectedUsers(
  users: readonly UserFacts[],
  changed: readonly ConditionalAccessPolicy[],
  strengths: readonly AuthenticationStrength[],
  locations: readonly NamedLocation[],
): UserFacts[] {
  if (!changed.length) return [];
  const mini = compilePolicies(changed, strengths, locations);
  return users.filter((u) => {
    const m = markUser({ userId: u.id, groupIds: u.groupIds, roleIds: u.roleIds }, mini);
    for (let i = 0; i < m.included.length; i++) if (m.included[i] && !m.excluded[i]) return true;
    return false;
  });
}
