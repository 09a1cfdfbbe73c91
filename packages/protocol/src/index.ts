/** Wire formats shared by the server, the authenticator and the workstation. */
export type { CborValue, CborMap } from './cbor/types.ts';
export { CborError, type CborErrorCode } from './cbor/errors.ts';
export { encodeCbor, compareCanonicalKeys } from './cbor/encode.ts';
export { decodeCbor, decodeCborPrefix, type DecodeOptions } from './cbor/decode.ts';
export { COSE, CoseKeyError, coseKeyFromJwk, encodeCoseKey, jwkFromCoseKey, type P256PublicJwk } from './cose.ts';
