import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import {
  acceptStep,
  findToken,
  recordTokenFailure,
  recordUserFailure,
  setTokenLock,
  setUserLock,
  type OathTokenRow,
  type StepAcceptance,
} from './repository.ts';
import { isLocked, lockedUntilAfter } from './lockout.ts';
import type { OathSettings } from './settings.ts';
import type { OathFailure } from './verifyCode.ts';
import type { OathTokenStatus } from './activate.ts';

/**
 * What every OATH verb does after its pure core decided: persist an acceptance with the atomic
 * replay guard, or count a failure towards the token's and the user's lockout.
 */
export type PersistOutcome = { ok: true } | { ok: false; reason: 'OathCodeDuplicate' | 'OathCodeOld' };

/**
 * Stores the accepted step. When a concurrent request stored this step (or a later one) first,
 * the conditional update matches no row and this request fails as a replay.
 */
export async function persistAcceptance(
  db: Kysely<DB>,
  row: OathTokenRow,
  v: { step: number; drift: number; status?: OathTokenStatus; now: Date },
  /** The conditional write; `verifyOathCode` passes the batched one (`acceptCheckedStep`). */
  accept: (db: Kysely<DB>, a: StepAcceptance) => Promise<boolean> = (d) => acceptStep(d, row.id, v),
): Promise<PersistOutcome> {
  if (await accept(db, { id: row.id, step: v.step, drift: v.drift, now: v.now })) return { ok: true };
  const now = await findToken(db, row.id);
  return { ok: false, reason: now?.lastStep === v.step ? 'OathCodeDuplicate' : 'OathCodeOld' };
}

/**
 * Counts a wrong code (not replays: a replay is not a guess, and counting lost races would lock
 * a token whose owner double-clicked). Sets the back-off lock once a threshold is reached.
 */
export async function recordFailure(
  db: Kysely<DB>,
  s: OathSettings,
  o: { tokenIds: readonly string[]; userId: string | null; nowMs: number; status?: OathTokenStatus },
): Promise<void> {
  for (const id of o.tokenIds) {
    const n = await recordTokenFailure(db, id, o.status);
    const until = lockedUntilAfter(n, s.tokenLockoutThreshold, o.nowMs);
    if (until) await setTokenLock(db, id, until);
  }
  if (o.userId) {
    const n = await recordUserFailure(db, o.userId);
    const until = lockedUntilAfter(n, s.userLockoutThreshold, o.nowMs);
    if (until) await setUserLock(db, o.userId, until);
  }
}

export const tokenLocked = (row: OathTokenRow, nowMs: number): boolean => isLocked(row.lockedUntil, nowMs);

export type CodeFailure = OathFailure | 'OathCodeFailedMaxAllowedRetryReached';
