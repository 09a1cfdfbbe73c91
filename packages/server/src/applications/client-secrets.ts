import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets (Graph `passwordCredential.secretText`): 40 characters from 240 random bits,
 * shown once. Only the SHA-256 is stored — a slow hash buys nothing for a secret with this much
 * entropy, and the token endpoint stays fast. `hint` is the first 3 characters, as in Entra.
 */
export function generateClientSecret(): { secretText: string; hint: string; hash: string } {
  const secretText = randomBytes(30).toString('base64url');
  return { secretText, hint: secretText.slice(0, 3), hash: hashClientSecret(secretText) };
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `secret` matches one of `hashes` (constant time per comparison). */
export function matchesAnyHash(secret: string, hashes: readonly string[]): boolean {
  const actual = Buffer.from(hashClientSecret(secret), 'hex');
  let ok = false;
  for (const h of hashes) {
    const expected = Buffer.from(h, 'hex');
    if (expected.length === actual.length && timingSafeEqual(expected, actual)) ok = true;
  }
  return ok;
}
