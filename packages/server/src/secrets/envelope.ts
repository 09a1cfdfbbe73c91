import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for every secret at rest (signing keys, TOTP seeds, client secrets).
 * Each secret gets its own random 256-bit data key; the data key is wrapped with the master key
 * (AES-256-GCM both times). The purpose string is bound as associated data, so a ciphertext
 * moved to another column or row fails to decrypt.
 *
 * Format: `lk1.<masterKeyId>.<wrapIv>.<wrappedKey+tag>.<iv>.<ciphertext+tag>` (base64url parts).
 *
 * Master key rotation (ADR 0020): the envelope seals with the current master key and opens with
 * it or any previous one (`LATCHKEY_PREVIOUS_MASTER_KEYS`); `rewrap` moves one secret's data key
 * under the current master key without decrypting the secret itself.
 */
export interface Envelope {
  /** Short id of the current master key (first 8 hex digits of its SHA-256), recorded in each ciphertext. */
  readonly keyId: string;
  /** Ids of the previous master keys this envelope can still open with (never seals with). */
  readonly previousKeyIds: readonly string[];
  seal(plaintext: Buffer | string, purpose: string): string;
  open(sealed: string, purpose: string): Buffer;
  /** The same secret with its data key wrapped under the current master key (unchanged when it already is). */
  rewrap(sealed: string, purpose: string): string;
}

/** The master key id a sealed value names, or undefined when it is not a Latchkey envelope. */
export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts.length === 6 && parts[0] === 'lk1' ? parts[1] : undefined;
}

/** A master key's id as envelopes record it. */
export const masterKeyId = (masterKey: Buffer): string => createHash('sha256').update(masterKey).digest('hex').slice(0, 8);

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

export function createEnvelope(masterKey: Buffer, previousKeys: readonly Buffer[] = []): Envelope {
  if (masterKey.length !== 32 || previousKeys.some((k) => k.length !== 32)) throw new EnvelopeError('master key must be 32 bytes');
  const keyId = masterKeyId(masterKey);
  const byId = new Map<string, Buffer>([[keyId, masterKey]]);
  for (const k of previousKeys) if (!byId.has(masterKeyId(k))) byId.set(masterKeyId(k), k);
  const previousKeyIds = [...byId.keys()].slice(1);
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
  const join = (parts: Array<string | Buffer>) => parts.map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  const wrap = (dek: Buffer, purpose: string) => {
    const wrapIv = randomBytes(12);
    return [wrapIv, gcm(masterKey, wrapIv, dek, `lk1:dek:${purpose}`)] as const;
  };
  /** The parts of `sealed` and its data key, unwrapped with whichever known master key sealed it. */
  const unwrap = (sealed: string, purpose: string) => {
    const parts = sealed.split('.');
    if (parts.length !== 6 || parts[0] !== 'lk1') throw new EnvelopeError('not a Latchkey envelope');
    const key = byId.get(parts[1]!);
    if (!key) {
      const known = previousKeyIds.length ? `${keyId}, or a previous one: ${previousKeyIds.join(', ')}` : keyId;
      throw new EnvelopeError(`sealed with master key ${parts[1]}, but the configured master key is ${known}`);
    }
    const [wrapIv, wrapped, iv, body] = parts.slice(2).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer, Buffer];
    try {
      return { id: parts[1]!, dek: ungcm(key, wrapIv, wrapped, `lk1:dek:${purpose}`), iv, body, rawIv: parts[4]!, rawBody: parts[5]! };
    } catch (cause) {
      throw new EnvelopeError('secret failed authentication (wrong key or purpose, or tampered)', { cause });
    }
  };
  /** The secret itself, from its unwrapped data key; a wrong purpose or a flipped bit fails authentication. */
  const openBody = (dek: Buffer, iv: Buffer, body: Buffer, purpose: string): Buffer => {
    try {
      return ungcm(dek, iv, body, `lk1:${purpose}`);
    } catch (cause) {
      throw new EnvelopeError('secret failed authentication (wrong key or purpose, or tampered)', { cause });
    }
  };
  return {
    keyId,
    previousKeyIds,
    seal(plaintext, purpose) {
      const dek = randomBytes(32);
      const iv = randomBytes(12);
      const body = gcm(dek, iv, Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8'), `lk1:${purpose}`);
      return join(['lk1', keyId, ...wrap(dek, purpose), iv, body]);
    },
    open(sealed, purpose) {
      const { dek, iv, body } = unwrap(sealed, purpose);
      return openBody(dek, iv, body, purpose);
    },
    rewrap(sealed, purpose) {
      const { id, dek, iv, body, rawIv, rawBody } = unwrap(sealed, purpose);
      if (id === keyId) return sealed;
      // The body must still open with the data key, so a tampered body is refused here, not carried over.
      openBody(dek, iv, body, purpose).fill(0);
      return join(['lk1', keyId, ...wrap(dek, purpose), rawIv, rawBody]);
    },
  };
}
