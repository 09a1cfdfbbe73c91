import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { TemporaryAccessPassConfiguration } from '../../policy/authentication-methods/types.ts';
import { loadMethodsEnabledFor } from '../../policy/authentication-methods/forUser.ts';
import { endOf, tapConfigFor, usabilityOf, type MethodUsabilityReason } from './policy.ts';
import { passMatches } from './generate.ts';
import { consumeOneTime, findTapOfUser, type StoredTap } from './repository.ts';

/** Why a redemption was refused: the pass's usability reason, or a wrong/missing pass. */
export type RedeemRefusal = Exclude<MethodUsabilityReason, 'EnabledByPolicy'> | 'noPass' | 'wrongPass' | 'alreadyUsed';

export type RedeemDecision = { ok: true; consume: boolean } | { ok: false; reason: RedeemRefusal };

/**
 * The pure core: may `candidate` sign the user in at `now`? The pass must exist, match, and be
 * usable under the user's TAP policy (entra-spec §3.3). A one-time pass must then be consumed
 * (`consume: true`), which the caller does atomically; a multi-use pass stays valid until its end.
 * The pass is compared before usability, so a wrong guess never learns the pass's state.
 */
export function decideRedeem(
  tap: StoredTap | undefined,
  config: TemporaryAccessPassConfiguration | undefined,
  candidate: string,
  now: Date,
): RedeemDecision {
  if (!tap) return { ok: false, reason: 'noPass' };
  if (!passMatches(tap.id, candidate, tap.passHash)) return { ok: false, reason: 'wrongPass' };
  const u = usabilityOf(tap, config, now);
  if (!u.isUsable) return { ok: false, reason: u.reason as RedeemRefusal };
  return { ok: true, consume: tap.isUsableOnce };
}

export type RedeemResult = { ok: true; tapId: string; isUsableOnce: boolean; endsAt: Date } | { ok: false; reason: RedeemRefusal };

/**
 * Redeems a pass for `userId`: the decision above, then — for a one-time pass — the single
 * conditional UPDATE … RETURNING of `consumeOneTime`; losing that race answers `alreadyUsed`.
 * The returned `endsAt` bounds the session and its tokens (docs/tap.md "Sessions").
 */
export async function redeemTemporaryAccessPass(
  db: Kysely<DB>,
  userId: string,
  candidate: string,
  now = new Date(),
): Promise<RedeemResult> {
  const [tap, policy] = await Promise.all([findTapOfUser(db, userId), loadMethodsEnabledFor(db, userId)]);
  const d = decideRedeem(tap, tapConfigFor(policy), candidate, now);
  if (!d.ok) return d;
  if (d.consume && !(await consumeOneTime(db, tap!.id, now))) return { ok: false, reason: 'alreadyUsed' };
  return { ok: true, tapId: tap!.id, isUsableOnce: tap!.isUsableOnce, endsAt: endOf(tap!) };
}

/** True when the user has a pass usable now (the sign-in page then offers the TAP prompt, entra-spec §3.3). */
export async function hasUsableTap(db: Kysely<DB>, userId: string, now = new Date()): Promise<boolean> {
  const tap = await findTapOfUser(db, userId);
  if (!tap) return false;
  return usabilityOf(tap, tapConfigFor(await loadMethodsEnabledFor(db, userId)), now).isUsable;
}
