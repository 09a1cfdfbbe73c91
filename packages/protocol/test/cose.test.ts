import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { COSE, CoseKeyError, decodeCbor, encodeCbor, encodeCoseKey, jwkFromCoseKey } from '../src/index.ts';

describe('COSE EC2 P-256 keys', () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });

  it('round-trips a JWK through COSE_Key bytes', () => {
    const bytes = encodeCoseKey(jwk);
    const map = decodeCbor(bytes, { requireCanonical: true }) as Map<number, unknown>;
    expect(map.get(COSE.kty)).toBe(2);
    expect(map.get(COSE.alg)).toBe(-7);
    expect(map.get(COSE.crv)).toBe(1);
    expect(jwkFromCoseKey(bytes)).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
  });

  it('starts with the canonical header bytes WebAuthn examples show (a5 01 02 03 26 20 01)', () => {
    expect(Buffer.from(encodeCoseKey(jwk).subarray(0, 7)).toString('hex')).toBe('a5010203262001');
  });

  it('refuses other curves, private keys and short coordinates', () => {
    const base = encodeCoseKey(jwk);
    const map = decodeCbor(base) as Map<number, unknown>;
    expect(() => jwkFromCoseKey(new Map([...map, [COSE.crv, 2]]) as never)).toThrow(CoseKeyError);
    expect(() => jwkFromCoseKey(new Map([...map, [COSE.d, new Uint8Array(32)]]) as never)).toThrow(CoseKeyError);
    expect(() => jwkFromCoseKey(new Map([...map, [COSE.x, new Uint8Array(31)]]) as never)).toThrow(CoseKeyError);
    expect(() => jwkFromCoseKey(encodeCbor([1, 2]))).toThrow(CoseKeyError);
    expect(() => encodeCoseKey({ kty: 'RSA' })).toThrow(CoseKeyError);
  });
});
