import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { ApiError } from '../../errors.ts';

/** After a one-time TAP, a passkey must be registered within 10 minutes (entra-spec §3.3). */
export const ONE_TIME_REGISTRATION_WINDOW_MS = 10 * 60_000;

/**
 * Remembers a TAP sign-in by user and `auth_time` (seconds — what oidc-provider copies into the
 * session, codes, refresh and access tokens), with the pass's end and, for a one-time pass,
 * the registration deadline.
 */
export async function recordTapSignIn(
  db: Kysely<DB>,
  s: { userId: string; authTime: number; tapId: string; endsAt: Date; isUsableOnce: boolean; at: Date },
): Promise<void> {
  await db
    .insertInto('tap_sign_ins')
    .values({
      user_id: s.userId,
      auth_time: s.authTime,
      tap_id: s.tapId,
      ends_at: s.endsAt,
      registration_deadline: s.isUsableOnce ? new Date(s.at.getTime() + ONE_TIME_REGISTRATION_WINDOW_MS) : null,
    })
    .onConflict((oc) => oc.columns(['user_id', 'auth_time']).doUpdateSet({ tap_id: s.tapId, ends_at: s.endsAt }))
    .execute();
}

export type TapSession = { kind: 'notTap' } | { kind: 'ended' } | { kind: 'live'; endsAt: Date; registrationDeadline: Date | null };

/**
 * What a token's sign-in (`sub`, `auth_time`) was: not a TAP sign-in, a TAP sign-in whose pass
 * has ended (expired, deleted or replaced — entra-spec §3.3 "Token lifetime"), or a live one.
 */
export async function tapSessionOf(db: Kysely<DB>, userId: string, authTime: number | undefined, now = new Date()): Promise<TapSession> {
  if (typeof authTime !== 'number' || !/^[0-9a-f-]{36}$/i.test(userId)) return { kind: 'notTap' };
  const r = await db
    .selectFrom('tap_sign_ins')
    .leftJoin('tap_methods', 'tap_methods.id', 'tap_sign_ins.tap_id')
    .select(['tap_sign_ins.ends_at', 'tap_sign_ins.registration_deadline', 'tap_methods.id as live_id'])
    .where('tap_sign_ins.user_id', '=', userId)
    .where('tap_sign_ins.auth_time', '=', authTime)
    .executeTakeFirst();
  if (!r) return { kind: 'notTap' };
  const endsAt = new Date(r.ends_at);
  if (!r.live_id || endsAt.getTime() <= now.getTime()) return { kind: 'ended' };
  return { kind: 'live', endsAt, registrationDeadline: r.registration_deadline ? new Date(r.registration_deadline) : null };
}

/**
 * For oidc-provider's `findAccount(ctx, sub, token)`: false when `token` (an authorization code
 * or refresh token) comes from a TAP sign-in whose pass has ended — oidc-provider then refuses
 * the grant (`invalid_grant`), so no new tokens outlive the pass.
 */
export async function tokenOutlivesNoTap(db: Kysely<DB>, sub: string, token: unknown, now = new Date()): Promise<boolean> {
  const authTime = (token as { authTime?: unknown } | undefined)?.authTime;
  if (typeof authTime !== 'number') return true;
  return (await tapSessionOf(db, sub, authTime, now)).kind !== 'ended';
}

/**
 * My Security Info's freshness hook (entra-spec §7.6 with §3.3): a token from an ended TAP
 * sign-in is refused (401); a one-time TAP sign-in counts as the recent strong sign-in until
 * its 10-minute registration deadline (the pass cannot be used again to refresh it). Returns
 * true when the TAP allows the change, false to fall through to the normal 5-minute rule.
 */
export async function tapAllowsMethodChange(
  db: Kysely<DB>,
  userId: string,
  authTime: number | undefined,
  now = new Date(),
): Promise<boolean> {
  const s = await tapSessionOf(db, userId, authTime, now);
  if (s.kind === 'ended')
    throw new ApiError('InvalidAuthenticationToken', 'The Temporary Access Pass this sign-in used has ended; sign in again.');
  return s.kind === 'live' && !!s.registrationDeadline && s.registrationDeadline.getTime() > now.getTime();
}
