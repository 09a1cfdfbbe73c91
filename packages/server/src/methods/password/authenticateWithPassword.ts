import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { loadMethodsEnabledFor } from '../../policy/authentication-methods/forUser.ts';
import { verifyUserPassword } from './verifyPassword.ts';

export interface PasswordSignInResult {
  verified: boolean;
  /**
   * `verified`; `invalidCredentials` (unknown user, no password, or wrong password — one answer,
   * so callers cannot tell them apart); `disabledByPolicy` (the password was right but the
   * Password method is off or excluded for the user). The last is for the sign-in log; show the
   * user the same message as `invalidCredentials` unless they proved the password.
   */
  reason: 'verified' | 'invalidCredentials' | 'disabledByPolicy';
  /** The policy's own explanation when it refused. */
  explanation?: string;
}

/**
 * The password step of a sign-in: verifies the candidate (always one argon2 run, also for users
 * without a password) and then asks the authentication methods policy whether the Password method
 * counts for this user (entra-spec §7.7). `groupIds` may be passed by callers that hold them.
 */
export async function authenticateWithPassword(
  db: Kysely<DB>,
  userId: string,
  candidate: string,
  groupIds?: Iterable<string>,
): Promise<PasswordSignInResult> {
  const check = await verifyUserPassword(db, userId, candidate);
  if (!check.verified) return { verified: false, reason: 'invalidCredentials' };
  const policy = await loadMethodsEnabledFor(db, userId, groupIds);
  const decision = policy.methods.find((m) => m.methodId === 'Password');
  if (!decision?.enabled)
    return { verified: false, reason: 'disabledByPolicy', explanation: decision?.explanation ?? 'Password is not configured.' };
  return { verified: true, reason: 'verified' };
}
