import type { Envelope } from '../../secrets/envelope.ts';
import type { TotpParams } from './totp.ts';
import type { OathTokenRow } from './repository.ts';

/**
 * Seeds at rest: sealed with the envelope under the purpose `oath-token:<id>`, so a sealed seed
 * copied onto another row fails to open. The opened key lives only for the length of a check;
 * it is never returned by an API (except the authenticator-app seed, once, at enrolment) and
 * never logged.
 */
export const seedPurpose = (tokenId: string): string => `oath-token:${tokenId}`;

export function sealSeed(envelope: Envelope, tokenId: string, key: Uint8Array): string {
  return envelope.seal(Buffer.from(key), seedPurpose(tokenId));
}

export function openSeed(envelope: Envelope, row: Pick<OathTokenRow, 'id' | 'secretSealed'>): Buffer {
  return envelope.open(row.secretSealed, seedPurpose(row.id));
}

export function paramsOf(row: Pick<OathTokenRow, 'hashFunction' | 'digits' | 'timeInterval'>): TotpParams {
  return { hash: row.hashFunction, digits: row.digits, period: row.timeInterval };
}

/** Minimum seed length: RFC 4226 R6 requires at least 128 bits; at most 128 Base32 characters (80 bytes, entra-spec §6.1). */
export const MIN_SEED_BYTES = 16;
export const MAX_SEED_BASE32 = 128;
