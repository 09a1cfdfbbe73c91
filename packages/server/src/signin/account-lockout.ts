import { createHash } from 'node:crypto';
import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { afterFailure, lockedForSeconds } from './lockout.ts';
import { clearLockout, countFailure, loadLockout, setLockedUntil } from './repository.ts';
import { SignInError } from './errors.ts';

/**
 * The lockout key of an entered name: the user id when the name is known, else a hash of the
 * normalised name — so an unknown name locks after the same failures as a real account and the
 * lockout does not reveal which names exist.
 */
export function accountKeyOf(userId: string | null, name: string): string {
  return userId ? `user:${userId}` : `name:${createHash('sha256').update(name.trim().toLowerCase()).digest('base64url')}`;
}

/** Throws `accountLocked` (429 with Retry-After seconds) while the account is locked. */
export async function assertNotLocked(deps: SignInDeps, accountKey: string | null): Promise<void> {
  if (!accountKey) return;
  const seconds = lockedForSeconds(await loadLockout(deps.db, accountKey), nowOf(deps));
  if (seconds > 0) throw lockedError(seconds);
}

/** Counts a failure; locks the account when the count reaches the threshold (persisted, all nodes). */
export async function recordFailure(deps: SignInDeps, accountKey: string | null): Promise<void> {
  if (!accountKey) return;
  const now = nowOf(deps);
  const failures = await countFailure(deps.db, accountKey, now);
  const next = afterFailure({ failures: failures - 1, lockedUntil: null }, now);
  if (next.lockedUntil) await setLockedUntil(deps.db, accountKey, next.lockedUntil);
}

export async function recordSuccess(deps: SignInDeps, accountKey: string | null): Promise<void> {
  if (accountKey) await clearLockout(deps.db, accountKey);
}

export function lockedError(seconds: number): SignInError {
  return new SignInError('accountLocked', `Your account is temporarily locked to prevent unauthorized use. Try again in ${seconds} seconds.`, { details: { retryAfterSeconds: seconds } });
}
