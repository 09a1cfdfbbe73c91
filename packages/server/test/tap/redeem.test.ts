import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { issueTemporaryAccessPass } from '../../src/methods/tap/issue.ts';
import { decideRedeem, hasUsableTap, redeemTemporaryAccessPass } from '../../src/methods/tap/redeem.ts';
import { usabilityOf, decideIssue } from '../../src/methods/tap/policy.ts';
import { hashPass } from '../../src/methods/tap/generate.ts';
import { listTemporaryAccessPasses } from '../../src/methods/tap/list.ts';
import { ctx, newUser, setTapPolicy } from './support.ts';
import type { TemporaryAccessPassConfiguration } from '../../src/policy/authentication-methods/types.ts';

const config = {
  isUsableOnce: false,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  defaultLifetimeInMinutes: 60,
  defaultLength: 8,
} as TemporaryAccessPassConfiguration;
const t0 = new Date('2026-01-01T10:00:00Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

describe('TAP pure rules', () => {
  const tap = {
    id: '00000000-0000-4000-8000-000000000001',
    userId: 'u',
    passHash: hashPass('00000000-0000-4000-8000-000000000001', 'Abcdefgh'),
    startDateTime: t0,
    lifetimeInMinutes: 60,
    isUsableOnce: true,
    usedAt: null,
    createdAt: t0,
  };
  it.each([
    ['inside the window', tap, config, minutes(30), 'EnabledByPolicy'],
    ['before the start', tap, config, minutes(-1), 'NotYetValid'],
    ['at the end (exclusive)', tap, config, minutes(60), 'Expired'],
    ['used once', { ...tap, usedAt: minutes(1) }, config, minutes(2), 'OneTimeUsed'],
    ['out of policy scope', tap, undefined, minutes(1), 'DisabledByPolicy'],
    [
      'multi-use while the policy now requires one-time',
      { ...tap, isUsableOnce: false },
      { ...config, isUsableOnce: true },
      minutes(1),
      'DisabledByPolicy',
    ],
  ] as const)('%s → %s', (_n, t, c, now, reason) => {
    expect(usabilityOf(t, c, now).reason).toBe(reason);
  });
  it('a wrong pass is refused before the pass state is revealed', () => {
    expect(decideRedeem({ ...tap, usedAt: minutes(1) }, config, 'wrong', minutes(2))).toEqual({ ok: false, reason: 'wrongPass' });
    expect(decideRedeem(tap, config, 'Abcdefgh', minutes(2))).toEqual({ ok: true, consume: true });
    expect(decideRedeem(undefined, config, 'Abcdefgh', minutes(2))).toEqual({ ok: false, reason: 'noPass' });
  });
  it('issue rules: defaults, range, forced one-time', () => {
    expect(decideIssue(config, {}, t0)).toMatchObject({
      ok: true,
      lifetimeInMinutes: 60,
      isUsableOnce: false,
      startDateTime: t0,
      length: 8,
    });
    expect(decideIssue(config, { lifetimeInMinutes: 481 }, t0)).toMatchObject({ ok: false, status: 400 });
    expect(decideIssue({ ...config, isUsableOnce: true }, { isUsableOnce: false }, t0)).toMatchObject({ ok: true, isUsableOnce: true });
    expect(decideIssue(undefined, {}, t0)).toMatchObject({ ok: false, status: 400 });
  });
});

describeEachStore('TAP redemption', (store) => {
  beforeAll(async () =>
    setTapPolicy(store().db, {
      isUsableOnce: false,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      defaultLifetimeInMinutes: 60,
    }),
  );

  it('a one-time pass redeemed by 20 parallel requests: exactly one success, then OneTimeUsed', async () => {
    const db = store().db;
    const user = await newUser(db);
    const { temporaryAccessPass: pass } = await issueTemporaryAccessPass(db, ctx, user.id, { isUsableOnce: true });
    const results = await Promise.all(Array.from({ length: 20 }, () => redeemTemporaryAccessPass(db, user.id, pass!)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && (r.reason === 'alreadyUsed' || r.reason === 'OneTimeUsed'))).toBe(true);
    expect((await listTemporaryAccessPasses(db, user.id))[0]).toMatchObject({ isUsable: false, methodUsabilityReason: 'OneTimeUsed' });
    expect(await redeemTemporaryAccessPass(db, user.id, pass!)).toEqual({ ok: false, reason: 'OneTimeUsed' });
    expect(await hasUsableTap(db, user.id)).toBe(false);
  });

  it('a multi-use pass stays valid until its end; the result carries the end', async () => {
    const db = store().db;
    const user = await newUser(db);
    const issued = await issueTemporaryAccessPass(db, ctx, user.id, { lifetimeInMinutes: 90 });
    const results = await Promise.all(Array.from({ length: 5 }, () => redeemTemporaryAccessPass(db, user.id, issued.temporaryAccessPass!)));
    expect(results.every((r) => r.ok)).toBe(true);
    const end = new Date(new Date(issued.startDateTime).getTime() + 90 * 60_000);
    expect(results[0]).toMatchObject({ ok: true, isUsableOnce: false, endsAt: end });
    expect(await redeemTemporaryAccessPass(db, user.id, issued.temporaryAccessPass!, new Date(end.getTime() + 1))).toEqual({
      ok: false,
      reason: 'Expired',
    });
  });

  it('expired, not yet valid, wrong and missing passes are refused and nothing is consumed', async () => {
    const db = store().db;
    const user = await newUser(db);
    const later = new Date(Date.now() + 3_600_000);
    const issued = await issueTemporaryAccessPass(db, ctx, user.id, { isUsableOnce: true, startDateTime: later.toISOString() });
    expect(await redeemTemporaryAccessPass(db, user.id, issued.temporaryAccessPass!)).toEqual({ ok: false, reason: 'NotYetValid' });
    expect(await redeemTemporaryAccessPass(db, user.id, 'WRONGPASS')).toEqual({ ok: false, reason: 'wrongPass' });
    const row = await db.selectFrom('tap_methods').select('used_at').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
    expect(await redeemTemporaryAccessPass(db, user.id, issued.temporaryAccessPass!, new Date(later.getTime() + 61 * 60_000))).toEqual({
      ok: false,
      reason: 'Expired',
    });
    expect(await redeemTemporaryAccessPass(db, user.id, issued.temporaryAccessPass!, new Date(later.getTime() + 1_000))).toMatchObject({
      ok: true,
    });
    const nobody = await newUser(db);
    expect(await redeemTemporaryAccessPass(db, nobody.id, issued.temporaryAccessPass!)).toEqual({ ok: false, reason: 'noPass' });
  });

  it('a pass of a user the policy excludes is refused (DisabledByPolicy)', async () => {
    const db = store().db;
    const user = await newUser(db);
    const issued = await issueTemporaryAccessPass(db, ctx, user.id, {});
    await setTapPolicy(db, { excludeTargets: [{ id: user.id, targetType: 'user' }] });
    try {
      expect(await redeemTemporaryAccessPass(db, user.id, issued.temporaryAccessPass!)).toEqual({ ok: false, reason: 'DisabledByPolicy' });
    } finally {
      await setTapPolicy(db, { excludeTargets: [] });
    }
  });
});
