import type { JWTPayload } from 'jose';

/**
 * Remembers the payloads of access tokens whose signature and claims were verified, keyed by the
 * token's exact text, until `exp` (less the clock tolerance the verifier allowed: an entry is
 * never used after the token would have been refused). The same string carries the same
 * signature, so a hit needs no second ECDSA/RSA check; what can change while a token lives — the
 * subject being disabled or deleted — is still checked on every request by the caller. Bounded:
 * the oldest entry goes first (Map insertion order). Dropped whole when signing keys change, so a
 * retired key's tokens are verified (and refused) again.
 */
export function createVerifiedTokenCache(maxEntries: number) {
  const entries = new Map<string, JWTPayload>();
  return {
    get(token: string, nowMs: number): JWTPayload | undefined {
      const p = entries.get(token);
      if (!p) return undefined;
      if (typeof p.exp !== 'number' || p.exp * 1000 <= nowMs || (typeof p.nbf === 'number' && p.nbf * 1000 > nowMs)) {
        entries.delete(token);
        return undefined;
      }
      return p;
    },
    set(token: string, payload: JWTPayload): void {
      if (maxEntries <= 0) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(token, payload);
    },
    clear(): void {
      entries.clear();
    },
    get size(): number {
      return entries.size;
    },
  };
}
