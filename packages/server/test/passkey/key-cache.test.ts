import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeCoseKey } from '@latchkey/protocol';
import { verifySignature } from '@simplewebauthn/server/helpers';
import { installKeyCache, keyCacheStats } from '../../src/methods/passkey/key-cache.ts';

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
