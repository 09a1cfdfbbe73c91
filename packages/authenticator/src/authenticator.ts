import { generateKeyPairSync, randomBytes, sign, createPrivateKey, type KeyObject } from 'node:crypto';
import { encodeCbor, encodeCoseKey } from '@latchkey/protocol';
import { buildAuthenticatorData, FLAGS } from './authenticator-data.ts';
import { aaguidBytes, b64url, fromB64url, pemToDer, sha256 } from './encoding.ts';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from './types.ts';

export type AttestationOption = 'none' | { format: 'packed'; certChainPem: string[]; privateKey: KeyObject | string } | { format: 'packed-self' };

export interface AuthenticatorOptions {
  /** The model's AAGUID (UUID string). */
  aaguid: string;
  /** Attestation conveyed at registration. Default 'none'. */
  attestation?: AttestationOption;
  /** 'counter' (default): a per-credential counter; 'zero': always 0, as synced passkey providers do. */
  signCount?: 'counter' | 'zero';
  /** Backup eligible/backed up flags (WebAuthn L3 §6.1.3): a synced passkey sets both. Default false. */
  backupEligible?: boolean;
  backedUp?: boolean;
  /** Transports reported in the registration response. Default ['internal']. */
  transports?: string[];
}

export interface StoredCredential {
  id: Uint8Array;
  rpId: string;
  userHandle: Uint8Array;
  privateKey: KeyObject;
  signCount: number;
  discoverable: boolean;
}

export interface MakeCredentialInput {
  rpId: string;
  origin: string;
  /** base64url challenge from the registration options. */
  challenge: string;
  /** user.id is base64url (as in PublicKeyCredentialCreationOptionsJSON). */
  user: { id: string; name: string; displayName: string };
  residentKey?: boolean;
  /** Leave UV unset to model an authenticator without user verification. Default true. */
  userVerified?: boolean;
}

export interface GetAssertionInput {
  rpId: string;
  origin: string;
  challenge: string;
  /** Username-first: the ids the RP allows (base64url). Empty or absent: discoverable credentials. */
  allowCredentials?: Array<{ id: string }>;
  userVerified?: boolean;
}

/**
 * A software FIDO2 authenticator plus the client half of WebAuthn (it writes clientDataJSON as a
 * browser would), for tests and benchmarks. ES256 keys via node:crypto; real authenticatorData
 * with UP/UV/BE/BS/AT flags and a signature counter; `none`, `packed` (x5c) or packed self
 * attestation. Output is the JSON browsers hand to RPs (WebAuthn L3 §5.1 `toJSON()`).
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const aaguid = aaguidBytes(options.aaguid);
  const attestation = options.attestation ?? 'none';
  const credentials: StoredCredential[] = [];
  const attestationKey =
    typeof attestation === 'object' && attestation.format === 'packed'
      ? typeof attestation.privateKey === 'string'
        ? createPrivateKey(attestation.privateKey)
        : attestation.privateKey
      : undefined;

  const flagsFor = (extra: number, uv: boolean): number =>
    FLAGS.UP | (uv ? FLAGS.UV : 0) | (options.backupEligible ? FLAGS.BE : 0) | (options.backedUp ? FLAGS.BS : 0) | extra;

  const clientData = (type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Uint8Array =>
    new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  return {
    aaguid: options.aaguid,
    credentials,

    /** authenticatorMakeCredential (CTAP 2.2 §6.1) + the client's part of `create()`. */
    makeCredential(input: MakeCredentialInput): RegistrationResponseJSON {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const credentialId = new Uint8Array(randomBytes(32));
      const cosePublicKey = encodeCoseKey(publicKey.export({ format: 'jwk' }));
      const stored: StoredCredential = {
        id: credentialId,
        rpId: input.rpId,
        userHandle: fromB64url(input.user.id),
        privateKey,
        signCount: 0,
        discoverable: input.residentKey ?? true,
      };
      credentials.push(stored);
      const authData = buildAuthenticatorData({
        rpId: input.rpId,
        flags: flagsFor(FLAGS.AT, input.userVerified ?? true),
        signCount: stored.signCount,
        // With 'none' the AAGUID is still reported, as platform authenticators and passkey providers do.
        attestedCredential: { aaguid, credentialId, cosePublicKey },
      });
      const clientDataJSON = clientData('webauthn.create', input.challenge, input.origin);
      const signed = new Uint8Array([...authData, ...sha256(clientDataJSON)]);
      let fmt = 'none';
      let attStmt = new Map<string, unknown>();
      if (typeof attestation === 'object') {
        fmt = 'packed';
        const key = attestation.format === 'packed' ? attestationKey! : privateKey;
        attStmt = new Map<string, unknown>([
          ['alg', -7],
          ['sig', new Uint8Array(sign('sha256', signed, key))],
        ]);
        if (attestation.format === 'packed') attStmt.set('x5c', attestation.certChainPem.map(pemToDer));
      }
      const attestationObject = encodeCbor(new Map<string, unknown>([['fmt', fmt], ['attStmt', attStmt], ['authData', authData]]) as never);
      const id = b64url(credentialId);
      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientDataJSON),
          attestationObject: b64url(attestationObject),
          authenticatorData: b64url(authData),
          transports: options.transports ?? ['internal'],
          publicKeyAlgorithm: -7,
          publicKey: b64url(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }))),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },

    /** authenticatorGetAssertion (CTAP 2.2 §6.2) + the client's part of `get()`. */
    getAssertion(input: GetAssertionInput): AuthenticationResponseJSON {
      const allowed = input.allowCredentials?.length ? new Set(input.allowCredentials.map((c) => c.id)) : undefined;
      const candidates = credentials.filter((c) => c.rpId === input.rpId && (allowed ? allowed.has(b64url(c.id)) : c.discoverable));
      const cred = candidates.at(-1);
      if (!cred) throw new Error('NotAllowedError: no credential for this RP');
      if (options.signCount !== 'zero') cred.signCount += 1;
      const authData = buildAuthenticatorData({ rpId: input.rpId, flags: flagsFor(0, input.userVerified ?? true), signCount: options.signCount === 'zero' ? 0 : cred.signCount });
      const clientDataJSON = clientData('webauthn.get', input.challenge, input.origin);
      const signature = sign('sha256', new Uint8Array([...authData, ...sha256(clientDataJSON)]), cred.privateKey);
      const id = b64url(cred.id);
      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientDataJSON),
          authenticatorData: b64url(authData),
          signature: b64url(new Uint8Array(signature)),
          userHandle: b64url(cred.userHandle),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },

    /** Test hook: set a credential's counter (e.g. to model a cloned authenticator). */
    setSignCount(credentialId: string, value: number): void {
      const cred = credentials.find((c) => b64url(c.id) === credentialId);
      if (!cred) throw new Error(`no credential ${credentialId}`);
      cred.signCount = value;
    },
  };
}

export type SoftAuthenticator = ReturnType<typeof createAuthenticator>;
