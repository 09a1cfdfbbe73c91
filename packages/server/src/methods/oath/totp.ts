import { hotp, type OathHash } from './hotp.ts';

/** A token's OATH parameters (entra-spec §6.1: TOTP only, 30 or 60 s, 6 digits (8 allowed)). */
export interface TotpParams {
  hash: OathHash;
  digits: 6 | 8;
  /** Time step X in seconds (RFC 6238 §4.1): 30 or 60. */
  period: 30 | 60;
}

export const DEFAULT_TOTP: TotpParams = { hash: 'hmacsha1', digits: 6, period: 30 };

/** RFC 6238 §4.2: T = floor((unixTime − T0) / X) with T0 = 0. */
export function timeStep(nowMs: number, period: number): number {
  return Math.floor(nowMs / 1000 / period);
}

/** The TOTP value for time step `step` (RFC 6238 §4: TOTP = HOTP(K, T)). */
export function totpAtStep(key: Uint8Array, step: number, p: TotpParams): string {
  return hotp(key, step, p.digits, p.hash);
}

/** The TOTP value at `nowMs` (milliseconds since the epoch). */
export function totp(key: Uint8Array, nowMs: number, p: TotpParams = DEFAULT_TOTP): string {
  return totpAtStep(key, timeStep(nowMs, p.period), p);
}
