import { base32Decode } from '../base32.ts';
import { MAX_SEED_BASE32, MIN_SEED_BYTES } from '../seed.ts';
import type { OathHash } from '../hotp.ts';

/** A token as an importer or the API states it, before validation. Secret as Base32 text or raw bytes (PSKC). */
export interface TokenFields {
  serialNumber: string;
  secretKey?: string | undefined;
  secretBytes?: Uint8Array | undefined;
  timeIntervalInSeconds?: number | undefined;
  hashFunction?: string | undefined;
  digits?: number | undefined;
  manufacturer?: string | null | undefined;
  model?: string | null | undefined;
}

export interface ValidToken {
  serialNumber: string;
  secret: Buffer;
  timeInterval: 30 | 60;
  hashFunction: OathHash;
  digits: 6 | 8;
  manufacturer: string | null;
  model: string | null;
}

export type Checked =
  { ok: true; value: ValidToken } | { ok: false; reason: 'OathInvalidSecret' | 'OathImportInvalid'; field: string; message: string };

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const printable = (s: string, max: number) => s.length > 0 && s.length <= max && !/[\u0000-\u001f\u007f]/.test(s) && s.isWellFormed();
const fail = (field: string, message: string, reason: 'OathInvalidSecret' | 'OathImportInvalid' = 'OathImportInvalid'): Checked => ({
  ok: false,
  reason,
  field,
  message,
});

/**
 * The table of checks every token passes, whatever its source (entra-spec §6.1): serial 1–64
 * printable characters; secret Base32 (a–z A–Z 2–7, ≤ 128 characters) of at least 128 bits
 * (RFC 4226 R6); interval 30 or 60; hmacsha1 or hmacsha256 (hmacsha512 too, beyond Entra);
 * 6 or 8 digits; manufacturer and model ≤ 64 printable characters.
 */
export function validateTokenFields(t: TokenFields): Checked {
  const serial = t.serialNumber?.trim() ?? '';
  if (!printable(serial, 64)) return fail('serialNumber', 'serial number must be 1–64 printable characters');
  let secret: Buffer | undefined;
  if (t.secretBytes) secret = Buffer.from(t.secretBytes);
  else {
    const text = (t.secretKey ?? '').trim();
    if (text.length === 0) return fail('secretKey', 'secret key is missing', 'OathInvalidSecret');
    if (text.length > MAX_SEED_BASE32)
      return fail('secretKey', `secret key is longer than ${MAX_SEED_BASE32} Base32 characters`, 'OathInvalidSecret');
    secret = base32Decode(text);
    if (!secret) return fail('secretKey', 'secret key is not Base32 (only a–z, A–Z and 2–7)', 'OathInvalidSecret');
  }
  if (secret.length < MIN_SEED_BYTES)
    return fail('secretKey', `secret key is shorter than ${MIN_SEED_BYTES * 8} bits (RFC 4226 R6)`, 'OathInvalidSecret');
  if (secret.length > 80) return fail('secretKey', 'secret key is longer than 80 bytes', 'OathInvalidSecret');
  const interval = t.timeIntervalInSeconds ?? 30;
  if (interval !== 30 && interval !== 60) return fail('timeIntervalInSeconds', `time interval must be 30 or 60 seconds, not ${interval}`);
  const hash = (t.hashFunction ?? 'hmacsha1').toLowerCase();
  if (hash !== 'hmacsha1' && hash !== 'hmacsha256' && hash !== 'hmacsha512')
    return fail('hashFunction', `hash function must be hmacsha1 or hmacsha256, not ${hash}`);
  const digits = t.digits ?? 6;
  if (digits !== 6 && digits !== 8) return fail('digits', `digits must be 6 or 8, not ${digits}`);
  for (const [field, v] of [
    ['manufacturer', t.manufacturer],
    ['model', t.model],
  ] as const) {
    if (v != null && v !== '' && !printable(v, 64)) return fail(field, `${field} must be at most 64 printable characters`);
  }
  return {
    ok: true,
    value: {
      serialNumber: serial,
      secret,
      timeInterval: interval,
      hashFunction: hash,
      digits,
      manufacturer: t.manufacturer || null,
      model: t.model || null,
    },
  };
}
