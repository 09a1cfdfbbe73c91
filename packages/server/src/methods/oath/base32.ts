/**
 * RFC 4648 §6 Base32 (alphabet A–Z 2–7), strict: the decoder accepts upper or lower case and
 * trailing `=` padding, nothing else (entra-spec §6.1: "a-z A-Z 2-7"; `1`, `0`, `8`, `9` are not
 * Base32). Returns undefined for anything it does not accept, so callers report their own reason.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes Base32; undefined when a character is outside the alphabet or the padding is wrong. */
export function base32Decode(text: string): Buffer | undefined {
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length === 0 || !/^[A-Za-z2-7]+$/.test(unpadded)) return undefined;
  // Padding, when present, must complete an 8-character group (RFC 4648 §6).
  if (unpadded.length !== text.length && text.length % 8 !== 0) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of unpadded.toUpperCase()) {
    value = ((value << 5) | ALPHABET.indexOf(ch)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
