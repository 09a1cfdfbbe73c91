import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import { ALL_USERS, type RegistrationCampaign } from '../policy/authentication-methods/types.ts';

/** "Not now" is allowed this many times when `enforceRegistrationAfterAllowedSnoozes` (entra-spec §7.5: "only 3 snoozes then forced"). */
export const ALLOWED_SNOOZES = 3;

export interface SnoozeState {
  count: number;
  lastSnoozedAt: Date | null;
}

export type CampaignDecision = { nudge: false; why: string } | { nudge: true; snoozesLeft: number | null; forced: boolean };

/**
 * The registration campaign (entra-spec §7.5), adapted to Latchkey: the nudge is for a passkey
 * (Latchkey has no Authenticator push; `targetedAuthenticationMethod` is kept for round trips).
 * Pure. `state: default` is Microsoft-managed for voice/SMS users in Entra; Latchkey has neither,
 * so `default` means off. Exclude beats include. Shown only to a user without a passkey, not
 * within `snoozeDurationInDays` of the last "Not now" (0 = every sign-in); after the allowed
 * snoozes, registration is forced when `enforceRegistrationAfterAllowedSnoozes`.
 */
export function decideCampaign(
  c: RegistrationCampaign,
  user: { id: string; groupIds: ReadonlySet<string>; hasPasskey: boolean },
  snoozes: SnoozeState,
  now: Date,
): CampaignDecision {
  if (c.state !== 'enabled') return { nudge: false, why: `campaign state is ${c.state}` };
  if (user.hasPasskey) return { nudge: false, why: 'the user already has a passkey' };
  const hits = (t: { id: string; targetType: string }) =>
    t.targetType === 'user' ? t.id === user.id : t.id === ALL_USERS || user.groupIds.has(t.id);
  if (c.excludeTargets.some(hits)) return { nudge: false, why: 'the user is excluded from the campaign' };
  if (!c.includeTargets.some(hits)) return { nudge: false, why: 'the campaign does not target the user' };
  const snoozeMs = c.snoozeDurationInDays * 86_400_000;
  if (snoozes.lastSnoozedAt && snoozeMs > 0 && now.getTime() - snoozes.lastSnoozedAt.getTime() < snoozeMs)
    return { nudge: false, why: 'snoozed' };
  if (!c.enforceRegistrationAfterAllowedSnoozes) return { nudge: true, snoozesLeft: null, forced: false };
  const left = Math.max(0, ALLOWED_SNOOZES - snoozes.count);
  return { nudge: true, snoozesLeft: left, forced: left === 0 };
}

export async function loadSnoozes(db: Kysely<DB>, userId: string): Promise<SnoozeState> {
  const r = await db
    .selectFrom('registration_campaign_snoozes')
    .select(['snooze_count', 'last_snoozed_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r ? { count: Number(r.snooze_count), lastSnoozedAt: new Date(r.last_snoozed_at) } : { count: 0, lastSnoozedAt: null };
}

/** Counts one "Not now" atomically (insert … on conflict do update). */
export async function recordSnooze(db: Kysely<DB> | Transaction<DB>, userId: string, now: Date): Promise<number> {
  const r = await db
    .insertInto('registration_campaign_snoozes')
    .values({ user_id: userId, snooze_count: 1, last_snoozed_at: now })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet((eb) => ({ snooze_count: eb('registration_campaign_snoozes.snooze_count', '+', 1), last_snoozed_at: now })),
    )
    .returning('snooze_count')
    .executeTakeFirstOrThrow();
  return Number(r.snooze_count);
}
