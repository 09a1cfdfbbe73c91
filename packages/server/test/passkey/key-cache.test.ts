import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeCoseKey } from '@latchkey/protocol';
import { verifySignature } from '@simplewebauthn/server/helpers';
import { cachingCrypto, installKeyCache, keyCacheStats } from '../../src/methods/passkey/key-cache.ts';

describe('public key cache at the WebCrypto boundary', () => {
  it('installs into @simplewebauthn/server and serves repeat imports from the cache without changing results', async () => {
    const installed = await installKeyCache();
    expect(installed.installed).toBe(true);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credentialPublicKey = encodeCoseKey(publicKey.export({ format: 'jwk' })) as Uint8Array<ArrayBuffer>;
    const data = new Uint8Array([9, 8, 7]) as Uint8Array<ArrayBuffer>;
    const signature = new Uint8Array(sign('sha256', data, privateKey)) as Uint8Array<ArrayBuffer>;
    const before = keyCacheStats();
    expect(await verifySignature({ signature, data, credentialPublicKey })).toBe(true);
    expect(await verifySignature({ signature, data, credentialPublicKey })).toBe(true);
    // A cached key still rejects a wrong signature or wrong data.
    expect(await verifySignature({ signature, data: new Uint8Array([9, 8, 6]) as Uint8Array<ArrayBuffer>, credentialPublicKey })).toBe(false);
    const after = keyCacheStats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(2);
    // Another key is a miss, not a wrong hit.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(await verifySignature({ signature, data, credentialPublicKey: encodeCoseKey(other.export({ format: 'jwk' })) as Uint8Array<ArrayBuffer> })).toBe(false);
    expect(keyCacheStats().misses - after.misses).toBe(1);
  });
});

describe('synchronous digests and ECDSA checks at the same boundary', () => {
  const platform = globalThis.crypto.subtle;
  const facade = cachingCrypto(globalThis.crypto).subtle;
  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

  it('digest gives the platform answer for SHA-1/256/384/512 over ArrayBuffer, typed-array views and DataView', async () => {
    const data = bytes(1000, 7);
    const view = new Uint8Array(data.buffer, 10, 500);
    const before = keyCacheStats().syncDigests;
    for (const alg of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', { name: 'SHA-256' }, 'sha-256']) {
      for (const input of [data, view, data.buffer, new DataView(data.buffer, 3, 40), new Uint8Array(0)]) {
        const mine = Buffer.from(await facade.digest(alg as AlgorithmIdentifier, input as BufferSource));
        const theirs = Buffer.from(await platform.digest(alg as AlgorithmIdentifier, input as BufferSource));
        expect(mine.equals(theirs)).toBe(true);
      }
    }
    expect(keyCacheStats().syncDigests - before).toBe(30);
    // What it does not handle still goes to the platform, with the platform's error.
    await expect(facade.digest('MD5', data)).rejects.toThrow();
  });

  it('ECDSA verify gives the platform answer for good, altered, truncated and foreign signatures (P-256, P-384)', async () => {
    for (const [curve, hash] of [['P-256', 'SHA-256'], ['P-384', 'SHA-384'], ['P-256', 'SHA-512']] as const) {
      const pair = (await platform.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])) as CryptoKeyPair;
      const other = (await platform.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])) as CryptoKeyPair;
      const alg = { name: 'ECDSA', hash: { name: hash } };
      // Imported the way SimpleWebAuthn imports a credential's key: a public JWK, non-extractable, for verify.
      const imported = async (k: CryptoKey) =>
        facade.importKey('jwk', await platform.exportKey('jwk', k), { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
      const pub = await imported(pair.publicKey);
      const otherPub = await imported(other.publicKey);
      const data = bytes(200, 3);
      const sig = new Uint8Array(await platform.sign(alg, pair.privateKey, data));
      const altered = sig.slice();
      altered[5] = altered[5]! ^ 1;
      const cases: Array<[CryptoKey, Uint8Array, Uint8Array]> = [
        [pub, sig, data],
        [pub, altered, data],
        [pub, sig.slice(0, sig.length - 1), data],
        [pub, new Uint8Array(0), data],
        [pub, sig, bytes(200, 4)],
        [otherPub, sig, data],
        [pair.publicKey, sig, data], // a key from elsewhere: the platform answers
      ];
      const answers: Array<boolean | string> = [];
      const before = keyCacheStats().syncVerifies;
      for (const [key, s, d] of cases) {
        const theirs = await platform.verify(alg, key, s as BufferSource, d as BufferSource).then((v) => v, () => 'error');
        const mine = await facade.verify(alg, key, s as BufferSource, d as BufferSource).then((v) => v, () => 'error');
        expect(mine).toBe(theirs);
        answers.push(mine);
      }
      expect(answers).toEqual([true, false, false, false, false, false, true]);
      expect(keyCacheStats().syncVerifies - before).toBe(6); // all but the key from elsewhere
    }
  });

  it('other algorithms go to the platform (an Ed25519 check)', async () => {
    const pair = (await platform.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const data = bytes(64, 1);
    const sig = await platform.sign({ name: 'Ed25519' }, pair.privateKey, data);
    expect(await facade.verify({ name: 'Ed25519' }, pair.publicKey, sig, data)).toBe(true);
    expect(await facade.verify({ name: 'Ed25519' }, pair.publicKey, sig, bytes(64, 2))).toBe(false);
  });
});
