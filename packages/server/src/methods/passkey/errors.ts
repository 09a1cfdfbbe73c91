import { ApiError } from '../../errors.ts';

/**
 * Why a passkey ceremony was refused: a closed set of machine-readable reasons, sent as
 * `error.details.reason` beside Graph's `code` (400 for bad responses, 403 for policy refusals),
 * so the sign-in pages and the sign-in log can say precisely what went wrong.
 */
export type PasskeyFailure =
  // The response itself (400).
  | 'responseTooLarge'
  | 'malformedResponse'
  | 'malformedClientData'
  | 'unexpectedCeremonyType'
  | 'malformedAttestationObject'
  | 'malformedAuthenticatorData'
  | 'originMismatch'
  | 'rpIdMismatch'
  | 'verificationFailed'
  // Challenges (400).
  | 'challengeUnknownOrUsed'
  | 'challengeExpired'
  | 'challengeMismatch'
  // Credentials (400; 409 for a duplicate or one passkey too many).
  | 'unknownCredential'
  | 'credentialNotAllowed'
  | 'userHandleMismatch'
  | 'credentialAlreadyRegistered'
  | 'tooManyPasskeys'
  | 'signCountRegression'
  // Policy (403).
  | 'accountDisabled'
  | 'methodNotEnabled'
  | 'selfServiceRegistrationDisabled'
  | 'attestationRequired'
  | 'attestationUntrusted'
  | 'authenticatorRevoked'
  | 'aaguidBlocked'
  | 'aaguidNotAllowed'
  | 'passkeyTypeNotAllowed';

const FORBIDDEN: ReadonlySet<PasskeyFailure> = new Set([
  'accountDisabled',
  'methodNotEnabled',
  'selfServiceRegistrationDisabled',
  'attestationRequired',
  'attestationUntrusted',
  'authenticatorRevoked',
  'aaguidBlocked',
  'aaguidNotAllowed',
  'passkeyTypeNotAllowed',
]);

/** A refused ceremony. `reason` is stable; `message` is safe to show; internals go in `cause`. */
export class PasskeyError extends ApiError {
  override name = 'PasskeyError';
  readonly reason: PasskeyFailure;
  constructor(reason: PasskeyFailure, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    const forbidden = FORBIDDEN.has(reason);
    super(forbidden ? 'Authorization_RequestDenied' : reason === 'credentialAlreadyRegistered' || reason === 'tooManyPasskeys' ? 'Request_Conflict' : 'Request_BadRequest', message, {
      cause: options?.cause,
      details: { reason, ...options?.details },
    });
    this.reason = reason;
  }
}

/** Throws a PasskeyError unless `cond` holds. */
export function ensure(cond: unknown, reason: PasskeyFailure, message: string): asserts cond {
  if (!cond) throw new PasskeyError(reason, message);
}
