/**
 * The CBOR data model subset CTAP2 and WebAuthn need (RFC 8949 §3, CTAP 2.2 §8 "Message
 * encoding"): integers (as number, or bigint beyond 2^53), byte strings (Uint8Array), text
 * strings, arrays, maps (Map, keys of any of these types), booleans, null and undefined.
 * Floats and tags are outside the subset and are rejected.
 */
export type CborValue =
  | number
  | bigint
  | string
  | Uint8Array
  | boolean
  | null
  | undefined
  | CborValue[]
  | CborMap;

export type CborMap = Map<CborValue, CborValue>;

/** Major types (RFC 8949 §3.1). */
export const MAJOR = {
  unsigned: 0,
  negative: 1,
  bytes: 2,
  text: 3,
  array: 4,
  map: 5,
  tag: 6,
  simple: 7,
} as const;
