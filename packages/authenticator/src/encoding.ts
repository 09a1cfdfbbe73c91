import { createHash } from 'node:crypto';

/** base64url without padding (WebAuthn L3 §5.1 JSON encodings). */
export const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
export const fromB64url = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
export const sha256 = (data: Uint8Array | string): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

/** The 16 bytes of an AAGUID written as a UUID string. */
export function aaguidBytes(aaguid: string): Uint8Array {
  const hex = aaguid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`AAGUID must be a UUID, got '${aaguid}'`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** PEM text of a DER certificate. */
export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** DER bytes of the first PEM block. */
export function pemToDer(pem: string): Uint8Array {
  const m = /-----BEGIN [^-]+-----([\s\S]+?)-----END [^-]+-----/.exec(pem);
  if (!m?.[1]) throw new Error('not a PEM block');
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}
