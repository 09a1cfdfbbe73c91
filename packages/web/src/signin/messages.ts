import type { SignInFailure } from './api.ts';

/**
 * Plain words for every refusal the sign-in endpoints can send (`error.details.reason`, and
 * for passkeys `passkeyReason`). Unknown reasons fall back to the server's own safe message.
 */
const REASONS: Record<string, string> = {
  flowNotFound: 'This sign-in page has expired or was opened in another browser. Go back to the app and sign in again.',
  flowExpired: 'This sign-in took too long. Go back to the app and start again.',
  flowFailed: 'Too many failed attempts. Go back to the app and start again.',
  wrongStep: 'That step does not fit this sign-in any more. Reload the page.',
  invalidCredentials: 'Your account or password is incorrect.',
  accountMismatch: 'That passkey belongs to a different account than the one you entered.',
  accountDisabled: 'Your account is disabled. Contact your administrator.',
  conflict: 'This sign-in changed in another tab. Reload the page.',
  network: 'Latchkey could not be reached. Check your connection and try again.',
};

const PASSKEY_REASONS: Record<string, string> = {
  unknownCredential: 'This passkey is not registered here (it may have been deleted). Try another one or use another way to sign in.',
  credentialNotAllowed: "That passkey doesn't belong to this account.",
  userHandleMismatch: "That passkey doesn't belong to this account.",
  challengeExpired: 'The passkey request timed out. Try again.',
  challengeUnknownOrUsed: 'That passkey request was already used. Try again.',
  signCountRegression: "This passkey's counter went backwards, which can mean it was copied. Sign-in refused; contact your administrator.",
  methodNotEnabled: 'Your organisation does not allow passkey sign-in for your account.',
  aaguidBlocked: 'Your organisation does not allow this kind of passkey.',
  aaguidNotAllowed: 'Your organisation does not allow this kind of passkey.',
  passkeyTypeNotAllowed: 'Your organisation does not allow this kind of passkey (synced or device-bound).',
};

export function describeFailure(f: SignInFailure): string {
  if (f.reason === 'accountLocked' || f.reason === 'tooManyAttempts') {
    const s = Number(f.details.retryAfterSeconds ?? 60);
    return f.reason === 'accountLocked'
      ? `Your account is temporarily locked to keep it safe after too many failed attempts. Try again in ${s} seconds.`
      : `Too many attempts. Wait ${s} seconds and try again.`;
  }
  if (f.reason === 'passkeyFailed') return PASSKEY_REASONS[String(f.details.passkeyReason)] ?? "We couldn't verify that passkey. Try again or use another way to sign in.";
  return REASONS[f.reason] ?? f.message;
}

/** What a browser-side WebAuthn error means for the person (NotAllowedError = cancelled or timed out). */
export function describeBrowserError(e: unknown): string | null {
  const name = (e as { name?: string })?.name;
  if (name === 'AbortError') return null; // superseded by another request (e.g. autofill)
  if (name === 'NotAllowedError') return 'No passkey for this account was used: none was found on this device, or the request was cancelled or timed out. Try again, or use another way to sign in.';
  if (name === 'InvalidStateError') return 'This device has no passkey for this account.';
  return 'Your browser could not use a passkey here.';
}
