import { sha256 } from './encoding.ts';

/** authenticatorData flags (WebAuthn L3 §6.1). */
export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

export interface AuthenticatorDataInput {
  rpId: string;
  flags: number;
  signCount: number;
  /** With the AT flag: AAGUID, credential id and COSE public key (WebAuthn L3 §6.5.1). */
  attestedCredential?: { aaguid: Uint8Array; credentialId: Uint8Array; cosePublicKey: Uint8Array };
}

/**
 * authenticatorData = rpIdHash(32) ‖ flags(1) ‖ signCount(4, big-endian) ‖ [attestedCredentialData]
 * (WebAuthn L3 §6.1, §6.5.1).
 */
export function buildAuthenticatorData(input: AuthenticatorDataInput): Uint8Array {
  const head = new Uint8Array(37);
  head.set(sha256(input.rpId), 0);
  head[32] = input.flags;
  new DataView(head.buffer).setUint32(33, input.signCount >>> 0);
  const a = input.attestedCredential;
  if (!a) return head;
  const len = new Uint8Array(2);
  new DataView(len.buffer).setUint16(0, a.credentialId.length);
  return new Uint8Array([...head, ...a.aaguid, ...len, ...a.credentialId, ...a.cosePublicKey]);
}
