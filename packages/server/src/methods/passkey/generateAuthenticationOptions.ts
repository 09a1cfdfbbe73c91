import { generateAuthenticationOptions as libraryOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { PasskeyDeps } from './deps.ts';
import { issueChallenge } from './challenges.ts';
import { listUserCredentialDescriptors } from './credentials-repository.ts';
import { PASSKEY_LIMITS } from './relying-party.ts';

export interface AuthenticationOptionsInput {
  /**
   * Username-first: the user already identified; their passkeys become `allowCredentials`.
   * null/undefined: discoverable (usernameless, conditional UI) — empty `allowCredentials`,
   * the authenticator picks the credential and returns its user handle (WebAuthn L3 §5.4.4).
   */
  userId?: string | null;
  flowId?: string | null;
}

/**
 * Step 1 of authentication (WebAuthn L3 §7.2): request options with a stored single-use
 * challenge (5 minutes) and `userVerification: 'required'`. Policy is not consulted here, so
 * the answer does not tell an observer whether the user exists or may use passkeys; an unknown
 * or passkey-less user simply gets an empty allow list (the sign-in flow decides what to show).
 */
export async function generateAuthenticationOptions(deps: PasskeyDeps, input: AuthenticationOptionsInput = {}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const userId = input.userId ?? null;
  const known = userId && /^[0-9a-f-]{36}$/i.test(userId) ? await listUserCredentialDescriptors(deps.db, userId) : [];
  const issued = await issueChallenge(deps.db, { purpose: 'authentication', userId: known.length ? userId : null, flowId: input.flowId ?? null, rpId: deps.rp.id });
  return libraryOptions({
    rpID: deps.rp.id,
    challenge: new Uint8Array(Buffer.from(issued.challenge, 'base64url')),
    timeout: PASSKEY_LIMITS.challengeTtlMs,
    userVerification: 'required',
    allowCredentials: known.map((c) => ({ id: c.credentialId, transports: c.transports as never })),
  });
}
