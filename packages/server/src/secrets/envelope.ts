import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for every secret at rest (signing keys, TOTP seeds, client secrets).
 * Each secret gets its own random 256-bit data key; the data key is wrapped with the master key
 * (AES-256-GCM both times). The purpose string is bound as associated data, so a ciphertext
 * moved to another column or row fails to decrypt.
 *
 * Format: `lk1.<masterKeyId>.<wrapIv>.<wrappedKey+tag>.<iv>.<ciphertext+tag>` (base64url parts).
 */
export interface Envelope {
  /** Short id of the master key (first 8 hex digits of its SHA-256), recorded in each ciphertext. */
  readonly keyId: string;
  seal(plaintext: Buffer | string, purpose: string): string;
  open(sealed: string, purpose: string): Buffer;
}

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

export function createEnvelope(masterKey: Buffer): Envelope {
  if (masterKey.length !== 32) throw new EnvelopeError('master key must be 32 bytes');
  const keyId = createHash('sha256').update(masterKey).digest('hex').slice(0, 8);
  const gcm = (key: Buffer, iv: Buffer, data: Buffer, aad: string): Buffer => {
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from(aad));
    return Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
  };
  const ungcm = (key: Buffer, iv: Buffer, data: Buffer, aad: string): Buffer => {
    if (data.length < 16) throw new EnvelopeError('ciphertext too short');
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
  };
  return {
    keyId,
    seal(plaintext, purpose) {
      const dek = randomBytes(32);
      const wrapIv = randomBytes(12);
      const iv = randomBytes(12);
      const wrapped = gcm(masterKey, wrapIv, dek, `lk1:dek:${purpose}`);
      const body = gcm(dek, iv, Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8'), `lk1:${purpose}`);
      return ['lk1', keyId, wrapIv, wrapped, iv, body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    open(sealed, purpose) {
      const parts = sealed.split('.');
      if (parts.length !== 6 || parts[0] !== 'lk1') throw new EnvelopeError('not a Latchkey envelope');
      if (parts[1] !== keyId) throw new EnvelopeError(`sealed with master key ${parts[1]}, but the configured master key is ${keyId}`);
      const [wrapIv, wrapped, iv, body] = parts.slice(2).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer, Buffer];
      try {
        const dek = ungcm(masterKey, wrapIv, wrapped, `lk1:dek:${purpose}`);
        return ungcm(dek, iv, body, `lk1:${purpose}`);
      } catch (cause) {
        throw new EnvelopeError('secret failed authentication (wrong key or purpose, or tampered)', { cause });
      }
    },
  };
}
