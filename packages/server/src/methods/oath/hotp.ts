import { createHmac } from 'node:crypto';

/** Hash functions Latchkey accepts, in Graph's spelling (`hashFunction`; hmacsha512 for RFC 6238 vectors and apps). */
export type OathHash = 'hmacsha1' | 'hmacsha256' | 'hmacsha512';

export const NODE_HASH: Record<OathHash, string> = { hmacsha1: 'sha1', hmacsha256: 'sha256', hmacsha512: 'sha512' };

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/**
 * HOTP (RFC 4226 §5.3) as a number: HMAC over the 8-byte big-endian counter, dynamic
 * truncation, modulo 10^digits. The verifier compares numbers (one machine comparison, no
 * early exit on the first differing character, so no timing signal about how much matched).
 */
export function hotpValue(key: Uint8Array, counter: number, digits: 6 | 8 = 6, hash: OathHash = 'hmacsha1'): number {
  const msg = Buffer.allocUnsafe(8);
  // Counters stay below 2^53 (a time step in 2^53 × 30 s is far beyond any clock).
  msg.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0);
  msg.writeUInt32BE(counter >>> 0, 4);
  const mac = createHmac(NODE_HASH[hash], key).update(msg).digest();
  // RFC 4226 §5.4: offset = low 4 bits of the last byte; 31-bit big-endian integer from there.
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return binary % POW10[digits]!;
}

/** HOTP (RFC 4226 §5.3) as the displayed string, left-padded with zeros to `digits`. */
export function hotp(key: Uint8Array, counter: number | bigint, digits: 6 | 8 = 6, hash: OathHash = 'hmacsha1'): string {
  return String(hotpValue(key, Number(counter), digits, hash)).padStart(digits, '0');
}
