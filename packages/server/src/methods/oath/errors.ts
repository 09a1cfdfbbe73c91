import { ApiError } from '../../errors.ts';

/**
 * Machine reasons the OATH method refuses something, in `error.details.reason`. Code failures
 * use Entra's result names (entra-spec §6.4); the rest are Latchkey's.
 */
export type OathReason =
  | 'OathCodeIncorrect'
  | 'OathCodeDuplicate'
  | 'OathCodeOld'
  | 'OathCodeFailedMaxAllowedRetryReached'
  | 'OathResyncFailed'
  | 'OathTokenNotAssigned'
  | 'OathTokenAlreadyActivated'
  | 'OathTokenAlreadyAssigned'
  | 'OathTooManyMethods'
  | 'OathNoMethod'
  | 'OathInvalidSecret'
  | 'OathDuplicateSerial'
  | 'OathImportInvalid';

/** An ApiError carrying an OATH reason: 400, 409 (state conflicts) or 429 (locked). */
export function oathError(reason: OathReason, message: string, extra?: Record<string, unknown>): ApiError {
  const code =
    reason === 'OathCodeFailedMaxAllowedRetryReached'
      ? 'Request_ThrottledTemporarily'
      : reason === 'OathTokenAlreadyAssigned' || reason === 'OathDuplicateSerial' || reason === 'OathTokenAlreadyActivated'
        ? 'Request_Conflict'
        : 'Request_BadRequest';
  return new ApiError(code, message, { details: { reason, ...extra } });
}

export const CODE_MESSAGES: Record<string, string> = {
  OathCodeIncorrect: 'The verification code is incorrect.',
  OathCodeDuplicate: 'The verification code was already used; wait for the next code.',
  OathCodeOld: 'The verification code precedes a code that was already used.',
  OathCodeFailedMaxAllowedRetryReached: 'Too many incorrect codes; try again later or ask an administrator.',
  OathResyncFailed: 'The two codes do not match consecutive codes of this token.',
};
