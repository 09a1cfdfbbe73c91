/**
 * entra-spec §7.6: adding or removing a sign-in method needs a fresh sign-in — within the last
 * 5 minutes — with MFA when the user already has an MFA-capable method (a passkey); a user
 * with none may proceed with the first factor (e.g. a password or a Temporary Access Pass),
 * still within 5 minutes. Pure: takes the token's `auth_time`/`amr` and what the user has.
 */
export const FRESH_SIGNIN_SECONDS = 300;

export type FreshnessDecision = { ok: true } | { ok: false; reason: 'signInTooOld' | 'strongerSignInRequired'; message: string };

export function freshEnoughToChangeMethods(claims: { auth_time?: unknown; amr?: unknown }, userHasPasskey: boolean, now: Date): FreshnessDecision {
  const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : 0;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((x): x is string => typeof x === 'string') : [];
  if (now.getTime() / 1000 - authTime > FRESH_SIGNIN_SECONDS)
    return { ok: false, reason: 'signInTooOld', message: 'For your security, sign in again (within the last 5 minutes) before changing your sign-in methods.' };
  if (userHasPasskey && !amr.includes('mfa'))
    return { ok: false, reason: 'strongerSignInRequired', message: 'Sign in again with your passkey before changing your sign-in methods.' };
  return { ok: true };
}
