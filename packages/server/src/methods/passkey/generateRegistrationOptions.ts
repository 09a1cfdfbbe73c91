import { generateRegistrationOptions as libraryOptions, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { notFound } from '../../errors.ts';
import type { PasskeyDeps } from './deps.ts';
import { PasskeyError } from './errors.ts';
import { attestationWanted } from './attestation-policy.ts';
import { issueChallenge } from './challenges.ts';
import { findPasskeyUser, listUserCredentialDescriptors } from './credentials-repository.ts';
import { passkeyPolicyFor } from './policy-for-user.ts';
import { PASSKEY_LIMITS } from './relying-party.ts';
import { userHandleOf } from './response-checks.ts';

export interface RegistrationOptionsInput {
  userId: string;
  /** The flow the options belong to; `verifyRegistration` must then name the same flow. */
  flowId?: string | null;
  /**
   * 'selfService' (My Security Info, the registration interrupt) honours
   * `isSelfServiceRegistrationAllowed`; 'administrator' (provisioning on behalf) does not.
   * Default 'selfService'.
   */
  mode?: 'selfService' | 'administrator';
}

/**
 * Step 1 of registration (WebAuthn L3 §7.1): creation options for a user, with a stored
 * single-use challenge. Requires the Fido2 method for the user; asks for `direct` attestation
 * when the policy enforces it (else `none`); a discoverable credential with user verification
 * (passkeys; Entra requires UV, entra-spec §4.3); the user's passkeys as `excludeCredentials`.
 */
export async function generateRegistrationOptions(deps: PasskeyDeps, input: RegistrationOptionsInput): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const user = await findPasskeyUser(deps.db, input.userId);
  if (!user) throw notFound('user', input.userId);
  const policy = await passkeyPolicyFor(deps.db, user.id);
  if ((input.mode ?? 'selfService') === 'selfService' && policy.selfRegistrationReason === 'selfServiceRegistrationDisabled') {
    throw new PasskeyError('selfServiceRegistrationDisabled', 'Self-service passkey registration is turned off; ask an administrator.');
  }
  const existing = await listUserCredentialDescriptors(deps.db, user.id);
  if (existing.length >= PASSKEY_LIMITS.maxPasskeysPerUser) {
    throw new PasskeyError('tooManyPasskeys', `A user can have at most ${PASSKEY_LIMITS.maxPasskeysPerUser} passkeys; delete one first.`);
  }
  const issued = await issueChallenge(deps.db, { purpose: 'registration', userId: user.id, flowId: input.flowId ?? null, rpId: deps.rp.id });
  return libraryOptions({
    rpName: deps.rp.name,
    rpID: deps.rp.id,
    userID: userHandleOf(user.id) as Uint8Array<ArrayBuffer>,
    userName: user.userPrincipalName,
    userDisplayName: user.displayName,
    challenge: new Uint8Array(Buffer.from(issued.challenge, 'base64url')),
    timeout: PASSKEY_LIMITS.challengeTtlMs,
    attestationType: attestationWanted(policy.config, policy.profiles) ? 'direct' : 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports as never })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: [-7, -257],
  });
}
