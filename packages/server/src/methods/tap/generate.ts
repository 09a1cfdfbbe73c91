import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Pass alphabet: letters and digits without look-alikes (0/O, 1/l/I), so a pass read aloud or
 * copied from a terminal survives; 57 symbols ≈ 5.83 bits each (8 characters ≈ 46.7 bits,
 * 16 ≈ 93 bits).
 */
export const TAP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A uniformly random pass of `length` characters (crypto.randomInt rejects bias). */
export function generatePass(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += TAP_ALPHABET[randomInt(TAP_ALPHABET.length)];
  return out;
}

/**
 * The stored form: SHA-256 over `<method id>:<pass>` (the id is a per-row salt, so equal
 * passes never share a hash and no table precomputes across rows). A fast hash is adequate
 * because the pass is random, lives at most the policy maximum, is checked only against the
 * named user's one row, and online guessing is rate-limited and locked out; docs/tap.md
 * "Storage" discusses the offline limit of short passes.
 */
export function hashPass(methodId: string, pass: string): string {
  return createHash('sha256').update(`${methodId}:${pass}`).digest('base64url');
}

/** Constant-time comparison of a candidate pass with the stored hash. */
export function passMatches(methodId: string, candidate: string, storedHash: string): boolean {
  const a = Buffer.from(hashPass(methodId, candidate));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
