import type { Algorithm, Options } from '@node-rs/argon2';

/**
 * Parameters of the legacy password method (issue 3 item 7). Passwords exist only so that policy
 * can model "password only" users; every user starts without one.
 *
 * argon2id with OWASP's first recommended configuration (Password Storage Cheat Sheet):
 * m = 19456 KiB (19 MiB), t = 2 passes, p = 1 lane. About 20–40 ms per hash on one core here;
 * each call runs on the libuv thread pool, so the event loop is not blocked.
 */
export const ARGON2_OPTIONS: Options = {
  // Algorithm.Argon2id; the package's const enum cannot be referenced under isolatedModules.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Graph's fixed id of a user's password method (G passwordAuthenticationMethod). */
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

/** Minimum length in Unicode code points (Latchkey's rule; NIST SP 800-63B asks for ≥ 8, ≥ 15 without MFA). */
export const MIN_PASSWORD_LENGTH = 12;
/** Entra's maximum password length is 256 characters. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * NFKC-normalises before hashing and verifying, so the same password typed on different
 * keyboards (composed vs decomposed accents, full-width digits) matches (NIST SP 800-63B §5.1.1.2).
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Why a new password is refused, or undefined. Never echoes the password. */
export function passwordProblem(password: string): string | undefined {
  const length = [...normalizePassword(password)].length;
  if (length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  if (password.trim().length === 0) return 'The password must not be only whitespace.';
  return undefined;
}
