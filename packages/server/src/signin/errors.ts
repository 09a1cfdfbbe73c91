import { ApiError, type ErrorCode } from '../errors.ts';

/**
 * Why a sign-in step was refused: stable reasons sent as `error.details.reason` beside Graph's
 * `code`. The sign-in page maps each to plain words (`packages/web/src/signin/messages.ts`).
 */
export type SignInFailure =
  | 'flowNotFound' // the interaction is unknown or finished (404)
  | 'flowExpired' // the flow's 10 minutes are over (400)
  | 'flowFailed' // too many failures in this flow (400)
  | 'wrongStep' // the request does not fit the flow's state (400)
  | 'invalidCredentials' // wrong password, unknown user or no password: one answer (400)
  | 'passkeyFailed' // the passkey ceremony was refused; `passkeyReason` says why (400/403)
  | 'accountMismatch' // the passkey belongs to another account than the one entered (400)
  | 'accountLocked' // smart lockout (429, Retry-After)
  | 'accountDisabled' // the user is disabled (403)
  | 'tooManyAttempts' // per-IP or per-account rate limit (429)
  | 'conflict' // another request moved the flow first (409)
  | 'tapRefused' // Temporary Access Pass wrong, used, expired, not yet valid or out of policy; `tapReason` says which (400)
  | 'registrationRefused' // the registration interrupt cannot go on (policy, freshness, 15-minute session) (400/403)
  | 'oathRefused' // OATH code wrong, reused, old or token locked; `oathReason` says which (400)
  | 'accessBlocked'; // Conditional Access blocks the app, or requires what the user cannot give (403; ca-step.ts)

const CODES: Record<SignInFailure, ErrorCode> = {
  flowNotFound: 'Request_ResourceNotFound',
  flowExpired: 'Request_BadRequest',
  flowFailed: 'Request_BadRequest',
  wrongStep: 'Request_BadRequest',
  invalidCredentials: 'Request_BadRequest',
  passkeyFailed: 'Request_BadRequest',
  accountMismatch: 'Request_BadRequest',
  accountLocked: 'Request_ThrottledTemporarily',
  accountDisabled: 'Authorization_RequestDenied',
  tooManyAttempts: 'Request_ThrottledTemporarily',
  conflict: 'Request_Conflict',
  tapRefused: 'Request_BadRequest',
  registrationRefused: 'Authorization_RequestDenied',
  accessBlocked: 'Authorization_RequestDenied',
  oathRefused: 'Request_BadRequest',
};

/** A refused sign-in step; `reason` is stable, `message` safe to show. */
export class SignInError extends ApiError {
  override name = 'SignInError';
  readonly reason: SignInFailure;
  constructor(reason: SignInFailure, message: string, options?: { cause?: unknown; details?: Record<string, unknown>; status?: number }) {
    super(CODES[reason], message, { cause: options?.cause, details: { reason, ...options?.details }, ...(options?.status ? { status: options.status } : {}) });
    this.reason = reason;
  }
}
