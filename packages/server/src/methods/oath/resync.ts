import { hotpValue } from './hotp.ts';
import { timeStep, type TotpParams } from './totp.ts';
import type { OathReplayState } from './verifyCode.ts';

export interface ResyncInput extends OathReplayState {
  key: Uint8Array;
  params: TotpParams;
  /** Two codes the token showed one after the other. */
  code1: string;
  code2: string;
  nowMs: number;
  /** How far (in steps, either side of now) to search (tenant setting, default 100). */
  window: number;
}

export type ResyncResult = { ok: true; step: number; drift: number } | { ok: false; reason: 'OathResyncFailed' | 'OathCodeOld' };

/**
 * Resynchronisation (privacyIDEA/LinOTP practice; RFC 4226 §7.4 look-ahead): find a step s
 * within ±window of now where code1 = TOTP(s) and code2 = TOTP(s+1). Two consecutive codes make
 * a chance match across a wide window negligible (~window × 10⁻¹²). The new drift is (s+1) − now
 * and s+1 becomes the last accepted step, so neither code can be replayed. Pure: the caller
 * persists the result.
 */
export function resync(input: ResyncInput): ResyncResult {
  const { key, params, code1, code2, nowMs, window, lastStep } = input;
  const re = new RegExp(`^\\d{${params.digits}}$`);
  if (!re.test(code1) || !re.test(code2)) return { ok: false, reason: 'OathResyncFailed' };
  const current = timeStep(nowMs, params.period);
  const a = Number(code1);
  const b = Number(code2);
  let stale = false;
  for (let s = Math.max(0, current - window); s <= current + window; s++) {
    if (hotpValue(key, s, params.digits, params.hash) !== a) continue;
    if (hotpValue(key, s + 1, params.digits, params.hash) !== b) continue;
    if (lastStep !== null && s + 1 <= lastStep) {
      stale = true;
      continue;
    }
    return { ok: true, step: s + 1, drift: s + 1 - current };
  }
  return { ok: false, reason: stale ? 'OathCodeOld' : 'OathResyncFailed' };
}
