/**
 * Smart lockout, Entra-style (docs/signin.md): after `threshold` (10) failed sign-ins the
 * account is locked for `baseLockSeconds` (60 s); each further failure after a lockout ends
 * locks it again for twice as long, up to `maxLockSeconds` (1 h). A success resets the count.
 * Pure: the repository stores `failures` and `lockedUntil` per account key.
 */
export const LOCKOUT = { threshold: 10, baseLockSeconds: 60, maxLockSeconds: 3600 } as const;

export interface LockoutState {
  failures: number;
  lockedUntil: Date | null;
}

/** Seconds left on a lockout at `now` (0 when not locked). */
export function lockedForSeconds(s: LockoutState | undefined, now: Date): number {
  if (!s?.lockedUntil) return 0;
  return Math.max(0, Math.ceil((s.lockedUntil.getTime() - now.getTime()) / 1000));
}

/** The state after one more failure at `now`. */
export function afterFailure(s: LockoutState | undefined, now: Date, policy = LOCKOUT): LockoutState {
  const failures = (s?.failures ?? 0) + 1;
  if (failures < policy.threshold) return { failures, lockedUntil: s?.lockedUntil ?? null };
  const seconds = Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** (failures - policy.threshold));
  return { failures, lockedUntil: new Date(now.getTime() + seconds * 1000) };
}
