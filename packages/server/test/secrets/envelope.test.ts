import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createEnvelope, EnvelopeError, masterKeyId, sealedKeyId } from '../../src/secrets/envelope.ts';

const key = randomBytes(32);
const envelope = createEnvelope(key);

/** Flips one bit in the decoded bytes of part `index` of a sealed value. */
function flip(sealed: string, index: number, byte = 0): string {
  const parts = sealed.split('.');
  const buf = Buffer.from(parts[index]!, 'base64url');
  buf[byte % buf.length]! ^= 0x01;
  parts[index] = buf.toString('base64url');
  return parts.join('.');
}

describe('envelope (AES-256-GCM, per-secret data key wrapped by the master key)', () => {
  it('round-trips strings and bytes, with a fresh ciphertext every time', () => {
    const a = envelope.seal('totp-seed-JBSWY3DPEHPK3PXP', 'oath.seed');
    const b = envelope.seal('totp-seed-JBSWY3DPEHPK3PXP', 'oath.seed');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DP');
    expect(envelope.open(a, 'oath.seed').toString('utf8')).toBe('totp-seed-JBSWY3DPEHPK3PXP');
    const bytes = randomBytes(1000);
    expect(envelope.open(envelope.seal(bytes, 'signing-key'), 'signing-key').equals(bytes)).toBe(true);
    expect(envelope.open(envelope.seal('', 'empty'), 'empty').length).toBe(0);
  });

  it('has the documented format: lk1.<keyId>.<wrapIv>.<wrappedKey+tag>.<iv>.<ciphertext+tag>', () => {
    const sealed = envelope.seal('hello', 'p');
    const parts = sealed.split('.');
    expect(parts).toHaveLength(6);
    expect(parts[0]).toBe('lk1');
    expect(parts[1]).toBe(envelope.keyId);
    expect(envelope.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3]!, 'base64url')).toHaveLength(32 + 16);
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[5]!, 'base64url')).toHaveLength(5 + 16);
  });

  it('detects a flipped byte anywhere in the ciphertext', () => {
    const sealed = envelope.seal('client-secret-value', 'client.secret');
    for (const part of [2, 3, 4, 5]) {
      for (const byte of [0, 7, 1000]) {
        expect(() => envelope.open(flip(sealed, part, byte), 'client.secret'), `part ${part} byte ${byte}`).toThrow(EnvelopeError);
      }
    }
    expect(() => envelope.open(flip(sealed, 5), 'client.secret')).toThrow(/failed authentication/);
  });

  it('binds the purpose as associated data: another purpose cannot open it', () => {
    const sealed = envelope.seal('seed', 'oath.seed:user-1');
    expect(() => envelope.open(sealed, 'oath.seed:user-2')).toThrow(EnvelopeError);
    expect(() => envelope.open(sealed, 'signing-key')).toThrow(/wrong key or purpose, or tampered/);
  });

  it('refuses another master key, naming both key ids', () => {
    const other = createEnvelope(randomBytes(32));
    const sealed = envelope.seal('x', 'p');
    expect(() => other.open(sealed, 'p')).toThrow(
      new RegExp(`sealed with master key ${envelope.keyId}, but the configured master key is ${other.keyId}`),
    );
  });

  it('refuses things that are not envelopes, and master keys that are not 32 bytes', () => {
    for (const junk of ['', 'hello', 'lk2.a.b.c.d.e', 'lk1.x', `lk1.${envelope.keyId}.AA.AA.AA.AA`]) {
      expect(() => envelope.open(junk, 'p'), junk).toThrow(EnvelopeError);
    }
    expect(() => createEnvelope(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('envelope with previous master keys (rotation, ADR 0020)', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const before = createEnvelope(oldKey);
  const during = createEnvelope(newKey, [oldKey]);
  const after = createEnvelope(newKey);

  it('seals with the current key, opens with the current or a previous one', () => {
    const old = before.seal('seed-1', 'oath-token:1');
    const fresh = during.seal('seed-2', 'oath-token:2');
    expect(sealedKeyId(old)).toBe(masterKeyId(oldKey));
    expect(sealedKeyId(fresh)).toBe(masterKeyId(newKey));
    expect(during.keyId).toBe(masterKeyId(newKey));
    expect(during.previousKeyIds).toEqual([masterKeyId(oldKey)]);
    expect(during.open(old, 'oath-token:1').toString()).toBe('seed-1');
    expect(during.open(fresh, 'oath-token:2').toString()).toBe('seed-2');
    expect(() => before.open(fresh, 'oath-token:2')).toThrow(EnvelopeError);
    expect(() => after.open(old, 'oath-token:1')).toThrow(new RegExp(`sealed with master key ${masterKeyId(oldKey)}, but the configured master key is ${after.keyId}$`));
    const third = createEnvelope(randomBytes(32), [newKey]);
    expect(() => third.open(old, 'oath-token:1')).toThrow(new RegExp(`or a previous one: ${masterKeyId(newKey)}`));
  });

  it('rewrap moves the data key under the current key and keeps the secret and its body', () => {
    const old = before.seal('seed-1', 'oath-token:1');
    const moved = during.rewrap(old, 'oath-token:1');
    expect(sealedKeyId(moved)).toBe(during.keyId);
    expect(moved.split('.').slice(4)).toEqual(old.split('.').slice(4)); // same iv and ciphertext: only the wrapping changed
    expect(moved.split('.')[3]).not.toBe(old.split('.')[3]);
    expect(after.open(moved, 'oath-token:1').toString()).toBe('seed-1');
    expect(during.rewrap(moved, 'oath-token:1')).toBe(moved); // already current: unchanged
  });

  it('rewrap refuses the wrong purpose, a tampered body and an unknown key, like open', () => {
    const old = before.seal('seed-1', 'oath-token:1');
    expect(() => during.rewrap(old, 'oath-token:2')).toThrow(/wrong key or purpose, or tampered/);
    expect(() => during.rewrap(flip(old, 5), 'oath-token:1')).toThrow(/wrong key or purpose, or tampered/);
    expect(() => after.rewrap(old, 'oath-token:1')).toThrow(/sealed with master key/);
    expect(() => during.rewrap('junk', 'p')).toThrow(/not a Latchkey envelope/);
  });

  it('ignores a previous key equal to the current one, and refuses previous keys that are not 32 bytes', () => {
    expect(createEnvelope(newKey, [newKey, oldKey, oldKey]).previousKeyIds).toEqual([masterKeyId(oldKey)]);
    expect(() => createEnvelope(newKey, [randomBytes(31)])).toThrow(/32 bytes/);
    expect(sealedKeyId('hello')).toBeUndefined();
  });
});
