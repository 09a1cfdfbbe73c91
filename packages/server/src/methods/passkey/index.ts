/**
 * The passkey (FIDO2/WebAuthn) method: what the sign-in flow, My Security Info and the admin API
 * call. One file per ceremony verb; see docs/passkeys.md and docs/flows/passkey-ceremonies.mmd.
 */
export type { PasskeyDeps } from './deps.ts';
export { relyingPartyFrom, PASSKEY_LIMITS, type RelyingParty } from './relying-party.ts';
export { PasskeyError, type PasskeyFailure } from './errors.ts';
export { generateRegistrationOptions, type RegistrationOptionsInput } from './generateRegistrationOptions.ts';
export { verifyRegistration, type VerifyRegistrationInput, type VerifiedRegistration } from './verifyRegistration.ts';
export { generateAuthenticationOptions, type AuthenticationOptionsInput } from './generateAuthenticationOptions.ts';
export { verifyAuthentication, type VerifyAuthenticationInput, type VerifiedAuthentication } from './verifyAuthentication.ts';
export { listFido2Methods, getFido2Method, deleteFido2Method, renameFido2Method, type Fido2AuthenticationMethod } from './fido2-methods.ts';
export { sweepExpiredChallenges } from './challenges.ts';
export { installKeyCache, keyCacheStats } from './key-cache.ts';
