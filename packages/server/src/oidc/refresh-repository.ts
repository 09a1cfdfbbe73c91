import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { PerformedMode } from '../policy/strengths/types.ts';
import type { SignInLogEntry } from '../signin/signin-log-repository.ts';
import { principalChanged } from '../auth/principal-changes.ts';

/** Refresh tokens outlive their sign-in's record by at most this (oidc-provider `ttl.Grant` is 14 days). */
const KEEP_MS = 15 * 86_400_000;

/** The user facts a refresh is decided on (undefined when the user was deleted). */
export async function findRefreshUser(db: Kysely<DB>, userId: string) {
  const r = await db
    .selectFrom('users')
    .select(['id', 'user_principal_name', 'account_enabled', 'sign_in_sessions_valid_from'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      userPrincipalName: r.user_principal_name,
      enabled: r.account_enabled,
      signInSessionsValidFrom: r.sign_in_sessions_valid_from ? new Date(r.sign_in_sessions_valid_from) : null,
    }
  );
}

/** The recorded methods of the sign-in at `authTime` (seconds), or undefined. */
export async function findRefreshSignIn(db: Kysely<DB>, userId: string, authTime: number): Promise<PerformedMode[] | undefined> {
  const r = await db
    .selectFrom('refresh_sign_ins')
    .select('performed')
    .where('user_id', '=', userId)
    .where('auth_time', '=', authTime)
    .executeTakeFirst();
  if (!r) return undefined;
  return (typeof r.performed === 'string' ? JSON.parse(r.performed) : r.performed) as PerformedMode[];
}

/** Records the sign-in's methods once (the first refresh token of that sign-in) and drops the user's expired records. */
export async function recordRefreshSignIn(
  db: Kysely<DB>,
  userId: string,
  authTime: number,
  performed: readonly PerformedMode[],
): Promise<void> {
  await db
    .insertInto('refresh_sign_ins')
    .values({ user_id: userId, auth_time: authTime, performed: JSON.stringify(performed) })
    .onConflict((oc) => oc.columns(['user_id', 'auth_time']).doNothing())
    .execute();
  await db
    .deleteFrom('refresh_sign_ins')
    .where('user_id', '=', userId)
    .where('created_at', '<', new Date(Date.now() - KEEP_MS))
    .execute();
}

/** Drops every record older than any refresh token can be (for the housekeeping sweep); returns how many. */
export async function pruneRefreshSignIns(db: Kysely<DB>, now = new Date()): Promise<number> {
  const r = await db
    .deleteFrom('refresh_sign_ins')
    .where('created_at', '<', new Date(now.getTime() - KEEP_MS))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Sets Graph `signInSessionsValidFromDateTime` (revokeSignInSessions); returns false when the user does not exist. */
export async function setSignInSessionsValidFrom(db: Kysely<DB>, userId: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ sign_in_sessions_valid_from: at, updated_at: at })
    .where('id', '=', userId)
    .executeTakeFirst();
  principalChanged(userId); // this node's token subjects at once; other nodes at commit (migration 0014's NOTIFY)
  return Number(r.numUpdatedRows) === 1;
}

const FIRST_PARTY_NAMES: Record<string, string> = { 'latchkey-console': 'Latchkey console', 'latchkey-my': 'My Security Info' };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Appends a non-interactive sign-in (a refresh) to the sign-in log: Graph `signIn` with
 * `isInteractive: false` (migration 0020). One row per refresh, outside the batched interactive
 * appends of the sign-in path (signin-log-repository.ts).
 */
export async function appendNonInteractiveSignIn(db: Kysely<DB>, e: SignInLogEntry): Promise<void> {
  const registered = GUID.test(e.appId);
  await db
    .insertInto('signin_log')
    .values({
      id: randomUUID(),
      created_at: e.at,
      flow_id: null,
      user_id: e.userId,
      user_principal_name: e.userPrincipalName?.slice(0, 256) ?? null,
      app_id: e.appId,
      app_display_name: registered
        ? sql<string | null>`(select display_name from applications where app_id = ${e.appId}::uuid)`
        : (FIRST_PARTY_NAMES[e.appId] ?? null),
      ip_address: e.ipAddress,
      client_app_used: e.clientAppUsed ?? 'Browser',
      error_code: e.errorCode,
      failure_reason: e.failureReason,
      conditional_access_status: e.conditionalAccessStatus,
      applied_policies: JSON.stringify(e.appliedConditionalAccessPolicies),
      authentication_details: JSON.stringify(e.authenticationDetails),
      authentication_requirement: e.authenticationRequirement,
      correlation_id: e.correlationId,
      is_interactive: false,
      authentication_protocol: e.authenticationProtocol ?? 'none',
      original_transfer_method: e.originalTransferMethod ?? 'none',
    })
    .execute();
}
