import { hotpValue } from './hotp.ts';
import { timeStep, type TotpParams } from './totp.ts';

/** Why a code was refused (names from Entra's MFA result codes, entra-spec §6.4). */
export type OathFailure = 'OathCodeIncorrect' | 'OathCodeDuplicate' | 'OathCodeOld';

/** The token state the core needs: what the repository stores beside the sealed seed. */
export interface OathReplayState {
  /** Last accepted time step (the replay high-water mark), null before the first use. */
  lastStep: number | null;
  /** Observed offset of the token's clock, in steps (followed on each acceptance). */
  drift: number;
}

export interface VerifyCodeInput extends OathReplayState {
  key: Uint8Array;
  params: TotpParams;
  code: string;
  nowMs: number;
  /** Steps accepted either side of the expected one (default 1, RFC 6238 §5.2/§6). */
  window?: number;
}

export type VerifyCodeResult = { ok: true; step: number; drift: number } | { ok: false; reason: OathFailure; step?: number };

/**
 * The pure TOTP check. Searches the expected step (now + recorded drift) first, then ±1, ±2 …
 * up to `window`, then the same window around now itself (so a recorded drift never shuts out a
 * token that is back in step). A match at or below the last accepted step is a replay: equal →
 * `OathCodeDuplicate`, lower → `OathCodeOld` (Entra result codes 139/140). On success it returns
 * the step to store and the new drift; the caller persists both with a conditional update
 * (`last_step < step`), so two concurrent submissions of one code cannot both succeed.
 */
export function verifyCode(input: VerifyCodeInput): VerifyCodeResult {
  const { key, params, code, nowMs, lastStep, drift } = input;
  const window = input.window ?? 1;
  if (code.length !== params.digits || !/^\d+$/.test(code)) return { ok: false, reason: 'OathCodeIncorrect' };
  const current = timeStep(nowMs, params.period);
  const expected = current + drift;
  const given = Number(code);
  let replayed: number | undefined;
  const around = offsets(window);
  const steps =
    drift === 0 ? around.map((o) => current + o) : [...new Set([...around.map((o) => expected + o), ...around.map((o) => current + o)])];
  for (const step of steps) {
    if (step < 0) continue;
    // RFC 6238 §4: TOTP = HOTP(K, T); compared as numbers (the format check above fixed the length).
    if (hotpValue(key, step, params.digits, params.hash) !== given) continue;
    // RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the same OTP".
    if (lastStep !== null && step <= lastStep) {
      replayed = Math.max(replayed ?? step, step);
      continue;
    }
    return { ok: true, step, drift: step - current };
  }
  if (replayed !== undefined) return { ok: false, reason: replayed === lastStep ? 'OathCodeDuplicate' : 'OathCodeOld', step: replayed };
  return { ok: false, reason: 'OathCodeIncorrect' };
}

const OFFSETS = new Map<number, readonly number[]>();

/** 0, -1, +1, -2, +2, … ±window (memoised: the hot path allocates nothing for it). */
export function offsets(window: number): readonly number[] {
  let out = OFFSETS.get(window);
  if (!out) {
    const list = [0];
    for (let i = 1; i <= window; i++) list.push(-i, i);
    out = Object.freeze(list);
    if (OFFSETS.size < 64) OFFSETS.set(window, out);
  }
  return out;
}
