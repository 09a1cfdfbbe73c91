import { describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { hotp } from '../../src/methods/oath/hotp.ts';
import { totp, timeStep, type TotpParams } from '../../src/methods/oath/totp.ts';
import { verifyCode } from '../../src/methods/oath/verifyCode.ts';
import { resync } from '../../src/methods/oath/resync.ts';
import { activate } from '../../src/methods/oath/activate.ts';
import { base32Decode, base32Encode } from '../../src/methods/oath/base32.ts';
import { HARD_LOCK_UNTIL, lockedUntilAfter } from '../../src/methods/oath/lockout.ts';

const SEED1 = Buffer.from('12345678901234567890');
const SEED256 = Buffer.from('12345678901234567890123456789012');
const SEED512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');

// RFC 4226 Appendix D: HOTP values for counts 0–9.
const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

// RFC 6238 Appendix B: time, SHA-1, SHA-256, SHA-512 (8 digits, X = 30).
const RFC6238: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('RFC vectors through verifyCode (fake clock)', () => {
  it('RFC 4226 Appendix D: HOTP counts 0–9 are TOTP steps 0–9', () => {
    RFC4226.forEach((code, count) => {
      expect(hotp(SEED1, count)).toBe(code);
      const r = verifyCode({
        key: SEED1,
        params: { hash: 'hmacsha1', digits: 6, period: 30 },
        code,
        nowMs: count * 30_000 + 7_000,
        lastStep: count === 0 ? null : count - 1,
        drift: 0,
        window: 0,
      });
      expect(r).toEqual({ ok: true, step: count, drift: 0 });
    });
  });

  for (const [i, hash, seed] of [
    [1, 'hmacsha1', SEED1],
    [2, 'hmacsha256', SEED256],
    [3, 'hmacsha512', SEED512],
  ] as const) {
    it(`RFC 6238 Appendix B, ${hash}`, () => {
      const params: TotpParams = { hash, digits: 8, period: 30 };
      let lastStep: number | null = null;
      for (const row of RFC6238) {
        const [t] = row;
        const code = row[i];
        expect(totp(seed, t * 1000, params)).toBe(code);
        const r = verifyCode({ key: seed, params, code, nowMs: t * 1000, lastStep, drift: 0 });
        expect(r).toEqual({ ok: true, step: Math.floor(t / 30), drift: 0 });
        if (r.ok) lastStep = r.step;
        // The same code again is a replay.
        expect(verifyCode({ key: seed, params, code, nowMs: t * 1000, lastStep, drift: 0 })).toMatchObject({
          ok: false,
          reason: 'OathCodeDuplicate',
        });
      }
    });
  }
});

describe('verifyCode rules', () => {
  const params: TotpParams = { hash: 'hmacsha1', digits: 6, period: 30 };
  const now = 1_800_000_000_000;
  const step = timeStep(now, 30);
  const at = (s: number) => hotp(SEED1, s);

  it('accepts ±1 step by default and refuses ±3; the window is configurable', () => {
    for (const d of [-1, 0, 1])
      expect(verifyCode({ key: SEED1, params, code: at(step + d), nowMs: now, lastStep: null, drift: 0 })).toMatchObject({
        ok: true,
        step: step + d,
        drift: d,
      });
    for (const d of [-3, 3])
      expect(verifyCode({ key: SEED1, params, code: at(step + d), nowMs: now, lastStep: null, drift: 0 })).toEqual({
        ok: false,
        reason: 'OathCodeIncorrect',
      });
    expect(verifyCode({ key: SEED1, params, code: at(step + 3), nowMs: now, lastStep: null, drift: 0, window: 3 })).toMatchObject({
      ok: true,
      drift: 3,
    });
  });

  it('duplicate for the last accepted step, old for an earlier one', () => {
    expect(verifyCode({ key: SEED1, params, code: at(step), nowMs: now, lastStep: step, drift: 0 })).toMatchObject({
      ok: false,
      reason: 'OathCodeDuplicate',
    });
    expect(verifyCode({ key: SEED1, params, code: at(step - 1), nowMs: now, lastStep: step, drift: 0 })).toMatchObject({
      ok: false,
      reason: 'OathCodeOld',
    });
    expect(verifyCode({ key: SEED1, params, code: at(step + 1), nowMs: now, lastStep: step, drift: 0 })).toMatchObject({
      ok: true,
      step: step + 1,
    });
  });

  it('follows the recorded drift: a token 5 steps fast verifies around now+5; a token back in step still verifies', () => {
    expect(verifyCode({ key: SEED1, params, code: at(step + 5), nowMs: now, lastStep: null, drift: 0 })).toMatchObject({ ok: false });
    expect(verifyCode({ key: SEED1, params, code: at(step + 6), nowMs: now, lastStep: null, drift: 5 })).toEqual({
      ok: true,
      step: step + 6,
      drift: 6,
    });
    expect(verifyCode({ key: SEED1, params, code: at(step), nowMs: now, lastStep: null, drift: 5 })).toEqual({ ok: true, step, drift: 0 });
    expect(verifyCode({ key: SEED1, params, code: at(step + 3), nowMs: now, lastStep: null, drift: 5 })).toEqual({
      ok: false,
      reason: 'OathCodeIncorrect',
    });
  });

  it('refuses malformed codes without computing anything', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 456', '１２３４５６'])
      expect(verifyCode({ key: SEED1, params, code, nowMs: now, lastStep: null, drift: 0 })).toEqual({
        ok: false,
        reason: 'OathCodeIncorrect',
      });
  });

  it('60-second tokens and 8 digits agree with otpauth', () => {
    const p: TotpParams = { hash: 'hmacsha256', digits: 8, period: 60 };
    const other = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(base32Encode(SEED256)),
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    });
    const code = other.generate({ timestamp: now });
    expect(verifyCode({ key: SEED256, params: p, code, nowMs: now, lastStep: null, drift: 0 })).toEqual({
      ok: true,
      step: timeStep(now, 60),
      drift: 0,
    });
  });
});

describe('resync, activation, lockout, base32', () => {
  const params: TotpParams = { hash: 'hmacsha1', digits: 6, period: 30 };
  const now = 1_800_000_000_000;
  const step = timeStep(now, 30);

  it('resync finds two consecutive codes 40 steps away and refuses non-consecutive ones', () => {
    const r = resync({
      key: SEED1,
      params,
      code1: hotp(SEED1, step + 40),
      code2: hotp(SEED1, step + 41),
      nowMs: now,
      window: 100,
      lastStep: null,
      drift: 0,
    });
    expect(r).toEqual({ ok: true, step: step + 41, drift: 41 });
    expect(
      resync({
        key: SEED1,
        params,
        code1: hotp(SEED1, step + 40),
        code2: hotp(SEED1, step + 42),
        nowMs: now,
        window: 100,
        lastStep: null,
        drift: 0,
      }),
    ).toEqual({ ok: false, reason: 'OathResyncFailed' });
    expect(
      resync({
        key: SEED1,
        params,
        code1: hotp(SEED1, step + 40),
        code2: hotp(SEED1, step + 41),
        nowMs: now,
        window: 100,
        lastStep: step + 41,
        drift: 0,
      }),
    ).toEqual({ ok: false, reason: 'OathCodeOld' });
  });

  it('activation: available refuses, assigned → activated with a code 8 steps off, wrong code → failedActivation, activated refuses', () => {
    const base = { key: SEED1, params, nowMs: now, lastStep: null, drift: 0, window: 10 };
    expect(activate({ ...base, status: 'available', assigned: false, code: hotp(SEED1, step) })).toMatchObject({
      ok: false,
      reason: 'OathTokenNotAssigned',
    });
    expect(activate({ ...base, status: 'assigned', assigned: true, code: hotp(SEED1, step - 8) })).toEqual({
      ok: true,
      status: 'activated',
      step: step - 8,
      drift: -8,
    });
    expect(
      activate({ ...base, status: 'assigned', assigned: true, code: '000000' === hotp(SEED1, step) ? '111111' : '000000' }),
    ).toMatchObject({ ok: false, status: 'failedActivation' });
    expect(activate({ ...base, status: 'failedActivation', assigned: true, code: hotp(SEED1, step) })).toMatchObject({
      ok: true,
      status: 'activated',
    });
    expect(activate({ ...base, status: 'activated', assigned: true, code: hotp(SEED1, step) })).toMatchObject({
      ok: false,
      reason: 'OathTokenAlreadyActivated',
    });
  });

  it('lockout: nothing below the threshold, growing back-off above it, a hard lock at 100', () => {
    expect(lockedUntilAfter(9, 10, now)).toBeNull();
    expect(lockedUntilAfter(10, 10, now)?.getTime()).toBe(now + 30_000);
    expect(lockedUntilAfter(12, 10, now)?.getTime()).toBe(now + 120_000);
    expect(lockedUntilAfter(40, 10, now)?.getTime()).toBe(now + 3_600_000);
    expect(lockedUntilAfter(100, 10, now)).toEqual(HARD_LOCK_UNTIL);
  });

  it('base32 round-trips and refuses 0, 1, 8, 9 and bad padding', () => {
    expect(base32Encode(SEED1)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('gezdgnbvgy3tqojqgezdgnbvgy3tqojq')).toEqual(SEED1);
    expect(base32Decode('MZXW6===')).toEqual(Buffer.from('foo'));
    for (const bad of ['GEZ1', 'GEZ0', 'GEZ8', 'MZXW6=', '', '====', 'AB CD']) expect(base32Decode(bad)).toBeUndefined();
  });
});
