import { decodeCbor } from './cbor/decode.ts';
import { encodeCbor } from './cbor/encode.ts';
import type { CborMap } from './cbor/types.ts';

/**
 * COSE_Key helpers for the EC2 P-256 keys FIDO2 authenticators use (RFC 9052 §7, RFC 9053 §7.1,
 * WebAuthn L3 §6.5.1 "credentialPublicKey"). Only ES256/P-256 is handled; anything else is
 * rejected with a `CoseKeyError` rather than misread.
 */
export const COSE = {
  kty: 1,
  alg: 3,
  crv: -1,
  x: -2,
  y: -3,
  d: -4,
  ktyEC2: 2,
  crvP256: 1,
  algES256: -7,
} as const;

export class CoseKeyError extends Error {
  override name = 'CoseKeyError';
}

/** A public P-256 JWK (RFC 7518 §6.2.1). */
export interface P256PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64url = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));

/** The COSE_Key map of a P-256 public JWK, with `alg` ES256 (-7). */
export function coseKeyFromJwk(jwk: { kty?: string; crv?: string; x?: string; y?: string }): CborMap {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new CoseKeyError('only EC P-256 JWKs are supported');
  const x = fromB64url(jwk.x);
  const y = fromB64url(jwk.y);
  if (x.length !== 32 || y.length !== 32) throw new CoseKeyError('P-256 coordinates must be 32 bytes');
  return new Map<number, number | Uint8Array>([
    [COSE.kty, COSE.ktyEC2],
    [COSE.alg, COSE.algES256],
    [COSE.crv, COSE.crvP256],
    [COSE.x, x],
    [COSE.y, y],
  ]);
}

/** The canonical CBOR bytes of a P-256 public JWK as a COSE_Key. */
export function encodeCoseKey(jwk: { kty?: string; crv?: string; x?: string; y?: string }): Uint8Array {
  return encodeCbor(coseKeyFromJwk(jwk));
}

/** The public JWK of an EC2 P-256 COSE_Key (map or its CBOR bytes). Refuses private keys and other curves. */
export function jwkFromCoseKey(key: CborMap | Uint8Array): P256PublicJwk {
  const map = key instanceof Uint8Array ? decodeCbor(key, { maxDepth: 2, maxLength: 1024 }) : key;
  if (!(map instanceof Map)) throw new CoseKeyError('a COSE_Key is a CBOR map');
  if (map.get(COSE.kty) !== COSE.ktyEC2) throw new CoseKeyError('COSE_Key kty is not EC2');
  if (map.get(COSE.crv) !== COSE.crvP256) throw new CoseKeyError('COSE_Key curve is not P-256');
  const alg = map.get(COSE.alg);
  if (alg !== undefined && alg !== COSE.algES256) throw new CoseKeyError(`COSE_Key alg ${String(alg)} is not ES256`);
  if (map.has(COSE.d)) throw new CoseKeyError('COSE_Key holds a private key');
  const x = map.get(COSE.x);
  const y = map.get(COSE.y);
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32) throw new CoseKeyError('COSE_Key x and y must be 32-byte strings');
  return { kty: 'EC', crv: 'P-256', x: b64url(x), y: b64url(y) };
}
