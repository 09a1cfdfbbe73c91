import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { ctx, envelope, makeUser, newSecret, otpauthCode, csvOf } from './support.ts';
import { importHardwareTokens } from '../../src/methods/oath/importHardwareTokens.ts';
import { activateToken } from '../../src/methods/oath/activateToken.ts';
import { verifyOathCode } from '../../src/methods/oath/verifyOathCode.ts';
import { microBatchTotals } from '../../src/store/micro-batch.ts';
import { resyncToken } from '../../src/methods/oath/resyncToken.ts';
import { createDevice, assignDevice } from '../../src/methods/oath/devices.ts';
import { enrollSoftwareToken } from '../../src/methods/oath/enrollSoftwareToken.ts';
import { findTokenBySerial } from '../../src/methods/oath/repository.ts';
import { perUserMfaState, setPerUserMfaState } from '../../src/methods/oath/perUserMfa.ts';
import { ApiError } from '../../src/errors.ts';
import { readOathSettings, updateOathSettings } from '../../src/methods/oath/settings.ts';

const T0 = 1_900_000_000_000; // a fixed clock, on a step boundary + 10 s
const at = (steps: number) => new Date(T0 + 10_000 + steps * 30_000);

const reasonOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError) return (e.details as { reason: string }).reason;
    throw e;
  }
};

describeEachStore('OATH verification on a real database', (store) => {
  const deps = () => ({ db: store().db, envelope });

  /** Imports one token by CSV assigned to a new user and returns what the tests need. */
  async function importedToken(interval: 30 | 60 = 30) {
    const user = await makeUser(store());
    const secret = newSecret();
    const serial = `SN-${Math.random().toString(36).slice(2, 10)}`;
    const r = await importHardwareTokens(deps(), ctx, csvOf([[user.upn, serial, secret, interval, 'Token2', 'C202']]));
    expect(r).toMatchObject({ ok: true, imported: 1, assigned: 1, issues: [] });
    const row = await findTokenBySerial(store().db, serial);
    expect(row?.status).toBe('assigned');
    return { user, secret, serial, id: row!.id };
  }

  it('a code computed by otpauth from the imported secret activates the token; the same code again is a duplicate; an older step is old', async () => {
    const t = await importedToken();
    const now = at(0);
    await activateToken(deps(), ctx, { tokenId: t.id, kind: 'hardware', verificationCode: otpauthCode(t.secret, now.getTime()), now });
    expect((await findTokenBySerial(store().db, t.serial))?.status).toBe('activated');
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, now.getTime()), now })).toEqual({
      ok: false,
      reason: 'OathCodeDuplicate',
    });
    const next = at(1);
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, next.getTime()), now: next })).toMatchObject({
      ok: true,
      method: 'hardwareOath',
      methodId: t.id,
    });
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, now.getTime()), now: next })).toEqual({
      ok: false,
      reason: 'OathCodeOld',
    });
  });

  it('±1 step passes, ±3 fails (default window), and the wider window can be configured', async () => {
    const t = await importedToken();
    await activateToken(deps(), ctx, {
      tokenId: t.id,
      kind: 'hardware',
      verificationCode: otpauthCode(t.secret, at(0).getTime()),
      now: at(0),
    });
    const now = at(10);
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(9).getTime()), now })).toMatchObject({
      ok: true,
    });
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(11).getTime()), now })).toMatchObject({
      ok: true,
    });
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(23).getTime()), now: at(20) })).toEqual({
      ok: false,
      reason: 'OathCodeIncorrect',
    });
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(17).getTime()), now: at(20) })).toEqual({
      ok: false,
      reason: 'OathCodeIncorrect',
    });
  });

  it('a 50-way parallel submission of one valid code succeeds exactly once', async () => {
    const t = await importedToken();
    await activateToken(deps(), ctx, {
      tokenId: t.id,
      kind: 'hardware',
      verificationCode: otpauthCode(t.secret, at(0).getTime()),
      now: at(0),
    });
    const now = at(5);
    const code = otpauthCode(t.secret, now.getTime());
    const results = await Promise.all(Array.from({ length: 50 }, () => verifyOathCode({ ...deps(), userId: t.user.id, code, now })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && (r.reason === 'OathCodeDuplicate' || r.reason === 'OathCodeOld'))).toBe(true);
    const row = await findTokenBySerial(store().db, t.serial);
    expect(row?.lastStep).toBe(Math.floor(now.getTime() / 30_000));
    expect(row?.failedAttempts).toBe(0);
  });

  it('concurrent checks of many users share the read and the replay write on PostgreSQL (ADR 0013); each code still counts once', async () => {
    const tokens = [];
    for (let i = 0; i < 12; i++) {
      const t = await importedToken();
      await activateToken(deps(), ctx, { tokenId: t.id, kind: 'hardware', verificationCode: otpauthCode(t.secret, at(0).getTime()), now: at(0) });
      tokens.push(t);
    }
    const now = at(3);
    const stats = () => ({ read: { ...microBatchTotals().get('oath_check_read') }, accept: { ...microBatchTotals().get('oath_check_accept') } });
    const before = stats();
    // Every user's code twice, plus a wrong code for the first user, all at once.
    const checks = tokens.flatMap((t) => [t, t]).map((t) => verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, now.getTime()), now }));
    const wrong = verifyOathCode({ ...deps(), userId: tokens[0]!.user.id, code: '000000' === otpauthCode(tokens[0]!.secret, now.getTime()) ? '111111' : '000000', now });
    const results = await Promise.all(checks);
    expect(await wrong).toEqual({ ok: false, reason: 'OathCodeIncorrect' });
    for (let i = 0; i < tokens.length; i++) {
      const pair = [results[2 * i]!, results[2 * i + 1]!];
      expect(pair.filter((r) => r.ok)).toEqual([{ ok: true, methodId: tokens[i]!.id, method: 'hardwareOath', step: Math.floor(now.getTime() / 30_000) }]);
      expect(pair.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'OathCodeDuplicate' }]);
    }
    const after = stats();
    const reads = after.read.items! - before.read.items!;
    const readBatches = after.read.batches! - before.read.batches!;
    if (store().kind === 'postgres') {
      expect(reads).toBe(25);
      expect(readBatches).toBeLessThan(reads / 4);
    } else expect([reads, readBatches]).toEqual([0, 0]); // PGlite runs one statement at a time: nothing to gather
    // The second of each pair never shares a write batch with the first: exactly 12 steps were stored.
    for (const t of tokens) expect((await findTokenBySerial(store().db, t.serial))?.lastStep).toBe(Math.floor(now.getTime() / 30_000));
  });

  it('drift: a token running 4 steps fast activates, is recorded, and is then followed', async () => {
    const t = await importedToken();
    await activateToken(deps(), ctx, {
      tokenId: t.id,
      kind: 'hardware',
      verificationCode: otpauthCode(t.secret, at(4).getTime()),
      now: at(0),
    });
    expect((await findTokenBySerial(store().db, t.serial))?.drift).toBe(4);
    // 4 steps ahead is outside ±1 of real time, but inside ±1 of the recorded drift.
    expect(
      await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(14).getTime()), now: at(10) }),
    ).toMatchObject({ ok: true });
  });

  it('wrong activation code → failedActivation; lockout after the threshold refuses even a right code; resync clears it', async () => {
    const t = await importedToken();
    const wrong = otpauthCode(t.secret, at(500).getTime());
    expect(await reasonOf(activateToken(deps(), ctx, { tokenId: t.id, kind: 'hardware', verificationCode: wrong, now: at(0) }))).toBe(
      'OathCodeIncorrect',
    );
    expect((await findTokenBySerial(store().db, t.serial))?.status).toBe('failedActivation');
    await activateToken(deps(), ctx, {
      tokenId: t.id,
      kind: 'hardware',
      verificationCode: otpauthCode(t.secret, at(1).getTime()),
      now: at(1),
    });
    for (let i = 0; i < 10; i++)
      expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: wrong, now: at(2) })).toEqual({
        ok: false,
        reason: 'OathCodeIncorrect',
      });
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(2).getTime()), now: at(2) })).toEqual({
      ok: false,
      reason: 'OathCodeFailedMaxAllowedRetryReached',
    });
    const r = await resyncToken(deps(), ctx, {
      tokenId: t.id,
      code1: otpauthCode(t.secret, at(40).getTime()),
      code2: otpauthCode(t.secret, at(41).getTime()),
      now: at(3),
    });
    expect(r.drift).toBe(38);
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(44).getTime()), now: at(5) })).toMatchObject(
      { ok: true },
    );
  });

  it('60-second tokens activate; authenticator apps enrol with a 160-bit seed and verify as softwareOath', async () => {
    const t = await importedToken(60);
    await activateToken(deps(), ctx, {
      tokenId: t.id,
      kind: 'hardware',
      verificationCode: otpauthCode(t.secret, at(0).getTime(), { period: 60 }),
      now: at(0),
    });
    const e = await enrollSoftwareToken(deps(), ctx, { userKey: t.user.upn, issuer: 'Latchkey Test' });
    expect(Buffer.from(e.secretKey, 'utf8').length).toBe(32); // 32 Base32 characters = 160 bits
    expect(e.otpauthUri).toMatch(/^otpauth:\/\/totp\/Latchkey%20Test:.+\?secret=[A-Z2-7]{32}&issuer=Latchkey%20Test/);
    expect(e.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(e.method).toMatchObject({ status: 'pending', secretKey: null });
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(e.secretKey, at(3).getTime()), now: at(3) })).toEqual({
      ok: false,
      reason: 'OathCodeIncorrect',
    });
    await activateToken(deps(), ctx, {
      tokenId: e.method.id,
      userKey: t.user.id,
      kind: 'software',
      verificationCode: otpauthCode(e.secretKey, at(4).getTime()),
      now: at(4),
    });
    expect(
      await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(e.secretKey, at(5).getTime()), now: at(5) }),
    ).toMatchObject({ ok: true, method: 'softwareOath', methodId: e.method.id });
    const sealed = await store()
      .db.selectFrom('oath_tokens')
      .select('secret_sealed')
      .where('id', '=', e.method.id)
      .executeTakeFirstOrThrow();
    expect(sealed.secret_sealed).toMatch(/^lk1\./);
    expect(sealed.secret_sealed).not.toContain(e.secretKey);
  });

  it('at most 5 OATH methods per user, hardware and software combined', async () => {
    const user = await makeUser(store());
    for (let i = 0; i < 3; i++)
      await createDevice(deps(), ctx, { serialNumber: `CAP-${user.id}-${i}`, secretKey: newSecret(), assignTo: user.id });
    for (let i = 0; i < 2; i++) await enrollSoftwareToken(deps(), ctx, { userKey: user.id, issuer: 'L' });
    expect(await reasonOf(enrollSoftwareToken(deps(), ctx, { userKey: user.id, issuer: 'L' }))).toBe('OathTooManyMethods');
    const spare = await createDevice(deps(), ctx, { serialNumber: `CAP-${user.id}-x`, secretKey: newSecret() });
    expect(await reasonOf(assignDevice(store().db, ctx, spare.id, user.id))).toBe('OathTooManyMethods');
  });

  it('RFC 6238 vectors through verifyOathCode with a fake clock (SHA-1, SHA-256, 8 digits)', async () => {
    const user = await makeUser(store());
    const seeds = {
      hmacsha1: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      hmacsha256: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA',
    } as const;
    const vectors = {
      hmacsha1: [
        [1111111109, '07081804'],
        [1234567890, '89005924'],
        [2000000000, '69279037'],
      ],
      hmacsha256: [
        [1111111109, '68084774'],
        [1234567890, '91819424'],
        [2000000000, '90698825'],
      ],
    } as const;
    for (const hash of ['hmacsha1', 'hmacsha256'] as const) {
      const d = await createDevice(deps(), ctx, {
        serialNumber: `RFC-${hash}-${user.id}`,
        secretKey: seeds[hash],
        hashFunction: hash,
        digits: 8,
        assignTo: user.id,
      });
      await store().db.updateTable('oath_tokens').set({ status: 'activated' }).where('id', '=', d.id).execute();
      for (const [t, code] of vectors[hash])
        expect(await verifyOathCode({ ...deps(), userId: user.id, code, now: new Date(t * 1000) })).toMatchObject({
          ok: true,
          methodId: d.id,
          step: Math.floor(t / 30),
        });
      await store().db.updateTable('oath_tokens').set({ status: 'assigned' }).where('id', '=', d.id).execute();
    }
  });

  it('a tenant window of ±3 (oathSettings) accepts a code 3 steps off; back to ±1 it is refused again; the change is audited', async () => {
    const t = await importedToken();
    await activateToken(deps(), ctx, {
      tokenId: t.id,
      kind: 'hardware',
      verificationCode: otpauthCode(t.secret, at(0).getTime()),
      now: at(0),
    });
    const audits = async () =>
      Number(
        (
          await store()
            .db.selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('activity_display_name', '=', 'Update OATH settings')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await audits();
    await updateOathSettings(store().db, ctx, { windowSteps: 3 });
    try {
      expect((await readOathSettings(store().db)).windowSteps).toBe(3);
      expect(
        await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(13).getTime()), now: at(10) }),
      ).toMatchObject({ ok: true });
    } finally {
      await updateOathSettings(store().db, ctx, { windowSteps: 1 });
    }
    // The token's drift (+3) is now recorded, so look 3 steps the other way: outside ±1 of both now and now + drift.
    expect(await verifyOathCode({ ...deps(), userId: t.user.id, code: otpauthCode(t.secret, at(17).getTime()), now: at(20) })).toEqual({
      ok: false,
      reason: 'OathCodeIncorrect',
    });
    expect(await audits()).toBe(before + 2);
  });

  it('per-user MFA state defaults to disabled and follows PATCHes', async () => {
    const user = await makeUser(store());
    expect(await perUserMfaState(store().db, user.id)).toBe('disabled');
    await setPerUserMfaState(store().db, ctx, user.id, 'enforced');
    expect(await perUserMfaState(store().db, user.id)).toBe('enforced');
  });

  it('per-user MFA: an enabled user moves to enforced on activating an OATH method (entra-spec §7.1); disabled stays disabled', async () => {
    const t = await importedToken();
    await setPerUserMfaState(store().db, ctx, t.user.id, 'enabled');
    await activateToken(deps(), ctx, {
      tokenId: t.id,
      kind: 'hardware',
      verificationCode: otpauthCode(t.secret, at(0).getTime()),
      now: at(0),
    });
    expect(await perUserMfaState(store().db, t.user.id)).toBe('enforced');
    const other = await importedToken();
    await activateToken(deps(), ctx, {
      tokenId: other.id,
      kind: 'hardware',
      verificationCode: otpauthCode(other.secret, at(0).getTime()),
      now: at(0),
    });
    expect(await perUserMfaState(store().db, other.user.id)).toBe('disabled');
  });
});
