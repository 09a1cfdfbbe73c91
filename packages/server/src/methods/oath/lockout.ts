/**
 * Lockout after repeated failures, per token and per user (NIST SP 800-63B §5.2.2: at most 100
 * consecutive failed attempts on one subscriber account). Thresholds are tenant settings
 * (defaults: token 10, user 20, each 1–100). Below the threshold nothing happens; at and above
 * it each further failure locks for 30 s × 2^(n − threshold), capped at 1 hour, so a guesser
 * gets a few hundred tries a day at most while a user who mistypes is never locked for long.
 * At 100 consecutive failures the lock is permanent until an administrator resyncs or unlocks.
 */
export const HARD_LOCK_FAILURES = 100;
export const HARD_LOCK_UNTIL = new Date('9999-12-31T00:00:00Z');
const BASE_MS = 30_000;
const MAX_MS = 3_600_000;

/** When the subject is locked until after its `failures`-th consecutive failure, or null. */
export function lockedUntilAfter(failures: number, threshold: number, nowMs: number): Date | null {
  if (failures >= HARD_LOCK_FAILURES) return HARD_LOCK_UNTIL;
  if (failures < threshold) return null;
  const ms = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(20, failures - threshold));
  return new Date(nowMs + ms);
}

export function isLocked(lockedUntil: Date | null | undefined, nowMs: number): boolean {
  return !!lockedUntil && lockedUntil.getTime() > nowMs;
}
