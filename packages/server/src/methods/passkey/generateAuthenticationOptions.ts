import { generateAuthenticationOptions as libraryOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { PasskeyDeps } from './deps.ts';
import { issueChallenge, type IssuedChallenge } from './challenges.ts';
import { listUserCredentialDescriptors } from './credentials-repository.ts';
import { PASSKEY_LIMITS } from './relying-party.ts';

export interface AuthenticationOptionsInput {
  /**
   * Username-first: the user the flow identified. Only that user's passkeys will be accepted —
   * also when the user is unknown or has none (then nothing will verify, exactly as for a wrong
   * passkey, so the two cannot be told apart). null/undefined: discoverable (usernameless,
   * conditional UI) — any registered passkey, the user handle names the account (WebAuthn L3 §5.4.4).
   */
  userId?: string | null;
  /**
   * Leave `allowCredentials` empty even for a known user, so the options do not reveal whether
   * the user has passkeys or their credential ids (passkeys are discoverable). Default false.
   */
  hideCredentials?: boolean;
  flowId?: string | null;
  /** A challenge the caller already stored for this ceremony (usernameless, bound to `flowId`): none is issued here. */
  issued?: IssuedChallenge;
}

/**
 * Step 1 of authentication (WebAuthn L3 §7.2): request options with a stored single-use
 * challenge (5 minutes) and `userVerification: 'required'`. Policy is not consulted here, so the
 * answer does not say whether the user exists or may use passkeys; an unknown or passkey-less
 * user gets an empty allow list, like `hideCredentials`.
 */
export async function generateAuthenticationOptions(deps: PasskeyDeps, input: AuthenticationOptionsInput = {}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const userId = input.userId ?? null;
  const isUuid = !!userId && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId);
  const known = isUuid && !input.hideCredentials ? await listUserCredentialDescriptors(deps.db, userId) : [];
  const usable = input.issued && input.issued.purpose === 'authentication' && input.issued.userId === null && userId === null && input.issued.flowId === (input.flowId ?? null);
  const issued = usable ? input.issued! : await issueChallenge(deps.db, { purpose: 'authentication', userId: userId?.slice(0, 320) ?? null, flowId: input.flowId ?? null, rpId: deps.rp.id });
  return libraryOptions({
    rpID: deps.rp.id,
    challenge: new Uint8Array(Buffer.from(issued.challenge, 'base64url')),
    timeout: PASSKEY_LIMITS.challengeTtlMs,
    userVerification: 'required',
    allowCredentials: known.map((c) => ({ id: c.credentialId, transports: c.transports as never })),
  });
}
