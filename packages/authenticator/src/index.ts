/** The phone side: a software FIDO2 authenticator core and test attestation material. */
export { createAuthenticator, type AuthenticatorOptions, type AttestationOption, type SoftAuthenticator, type MakeCredentialInput, type GetAssertionInput } from './authenticator.ts';
export { buildAuthenticatorData, FLAGS } from './authenticator-data.ts';
export { createTestAttestationCa, createTestCa, OID_FIDO_GEN_CE_AAGUID, type TestAttestationCa, type TestCertificate } from './attestation-ca.ts';
export { mdsEntry, signMdsBlob, type MdsEntryInput } from './mds-blob.ts';
export { b64url, fromB64url, derToPem, pemToDer } from './encoding.ts';
export type { RegistrationResponseJSON, AuthenticationResponseJSON } from './types.ts';
