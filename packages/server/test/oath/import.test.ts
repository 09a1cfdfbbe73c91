import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { ctx, envelope, makeUser, newSecret, otpauthCode, csvOf, countTokens } from './support.ts';
import { buildPskc } from './pskc-builder.ts';
import { importHardwareTokens, type ImportProgress } from '../../src/methods/oath/importHardwareTokens.ts';
import { activateToken } from '../../src/methods/oath/activateToken.ts';
import { assignDevice } from '../../src/methods/oath/devices.ts';
import { findTokenBySerial } from '../../src/methods/oath/repository.ts';
import { base32Encode } from '../../src/methods/oath/base32.ts';

describeEachStore('OATH bulk import', (store) => {
  const deps = () => ({ db: store().db, envelope });

  it('imports a 10k-row CSV in batches with progress, and the sealed seeds verify', async () => {
    const rows = Array.from(
      { length: 10_000 },
      (_, i) =>
        ['', `BULK${String(i).padStart(6, '0')}`, newSecret(), i % 2 ? 60 : 30, 'Feitian', 'c200'] as [
          string,
          string,
          string,
          number,
          string,
          string,
        ],
    );
    const progress: ImportProgress[] = [];
    const before = await countTokens(store());
    const r = await importHardwareTokens(deps(), ctx, csvOf(rows), { onProgress: (p) => progress.push(p) });
    expect(r).toMatchObject({ ok: true, rows: 10_000, imported: 10_000, assigned: 0, issues: [] });
    expect(await countTokens(store())).toBe(before + 10_000);
    const imports = progress.filter((p) => p.phase === 'import');
    expect(imports.length).toBe(10);
    expect(imports.at(-1)).toEqual({ phase: 'import', done: 10_000, total: 10_000 });
    // The planner's statistics were refreshed (ANALYZE sets reltuples; plain inserts leave it for autovacuum).
    const stats = await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'oath_tokens'`.execute(store().db);
    expect(Number(stats.rows[0]!.reltuples)).toBeGreaterThanOrEqual(before + 10_000);
    // A random row's token activates with a code computed from the CSV secret.
    const [, serial, secret, interval] = rows[7_777]!;
    const user = await makeUser(store());
    const row = await findTokenBySerial(store().db, serial);
    await assignDevice(store().db, ctx, row!.id, user.id);
    await activateToken(deps(), ctx, {
      tokenId: row!.id,
      kind: 'hardware',
      verificationCode: otpauthCode(secret, Date.now(), { period: interval as number }),
    });
    expect((await findTokenBySerial(store().db, serial))?.status).toBe('activated');
  });

  it('imports a PSKC file encrypted with a pre-shared key; the decrypted seed activates the token', async () => {
    const psk = randomBytes(16);
    const seeds = [randomBytes(20), randomBytes(32)];
    const serials = [`PSKC-${randomBytes(4).toString('hex')}`, `PSKC-${randomBytes(4).toString('hex')}`];
    const file = buildPskc(
      [
        { serial: serials[0]!, secret: seeds[0]! },
        { serial: serials[1]!, secret: seeds[1]!, interval: 60, digits: 8 },
      ],
      psk,
    );
    const r = await importHardwareTokens(deps(), ctx, file, { preSharedKey: psk });
    expect(r).toMatchObject({ format: 'pskc', ok: true, imported: 2, issues: [] });
    const second = await findTokenBySerial(store().db, serials[1]!);
    expect(second).toMatchObject({ timeInterval: 60, digits: 8, manufacturer: 'Token2', model: 'C301' });
    const user = await makeUser(store());
    await assignDevice(store().db, ctx, second!.id, user.id);
    await activateToken(deps(), ctx, {
      tokenId: second!.id,
      kind: 'hardware',
      verificationCode: otpauthCode(base32Encode(seeds[1]!), Date.now(), { period: 60, digits: 8 }),
    });
    expect((await findTokenBySerial(store().db, serials[1]!))?.status).toBe('activated');
    // A plain PSKC file needs no key.
    const plain = await importHardwareTokens(
      deps(),
      ctx,
      buildPskc([{ serial: `PLAIN-${randomBytes(4).toString('hex')}`, secret: randomBytes(20) }]),
    );
    expect(plain).toMatchObject({ ok: true, imported: 1 });
  });

  it('a wrong PSKC key is reported per KeyPackage and nothing is imported', async () => {
    const before = await countTokens(store());
    const file = buildPskc(
      [
        { serial: 'WRONGKEY-1', secret: randomBytes(20) },
        { serial: 'WRONGKEY-2', secret: randomBytes(20) },
      ],
      randomBytes(16),
    );
    const r = await importHardwareTokens(deps(), ctx, file, { preSharedKey: randomBytes(16) });
    expect(r.ok).toBe(false);
    expect(r.imported).toBe(0);
    expect(r.issues.length).toBeGreaterThanOrEqual(2);
    expect(r.issues.some((i) => /wrong pre-shared key/.test(i.reason))).toBe(true);
    expect(await countTokens(store())).toBe(before);
    const noKey = await importHardwareTokens(deps(), ctx, file);
    expect(noKey.issues[0]?.reason).toMatch(/pre-shared key/);
  });

  it('bad base32, 45-second interval, duplicate serial and unknown upn → per-row errors by line, nothing imported; --partial imports the rest', async () => {
    const before = await countTokens(store());
    const existing = `EXIST-${randomBytes(3).toString('hex')}`;
    expect((await importHardwareTokens(deps(), ctx, csvOf([['', existing, newSecret(), 30, 'A', 'B']]))).imported).toBe(1);
    const file = csvOf([
      ['', 'GOOD-1-' + existing, newSecret(), 30, 'A', 'B'],
      ['', 'BAD-B32', 'JBSWY3DPEHPK3PX1JBSWY3DPEHPK3PXP', 30, 'A', 'B'],
      ['', 'BAD-INT', newSecret(), 45, 'A', 'B'],
      ['', 'DUP-IN-FILE', newSecret(), 30, 'A', 'B'],
      ['', 'DUP-IN-FILE', newSecret(), 30, 'A', 'B'],
      ['', existing, newSecret(), 30, 'A', 'B'],
      ['nobody@latchkey.test', 'NO-USER', newSecret(), 30, 'A', 'B'],
      ['', 'SHORT', 'JBSWY3DP', 30, 'A', 'B'],
    ]);
    const r = await importHardwareTokens(deps(), ctx, file);
    expect(r.ok).toBe(false);
    expect(r.imported).toBe(0);
    expect(r.issues.map((i) => [i.line, i.serialNumber])).toEqual([
      [3, 'BAD-B32'],
      [4, 'BAD-INT'],
      [6, 'DUP-IN-FILE'],
      [7, existing],
      [8, 'NO-USER'],
      [9, 'SHORT'],
    ]);
    expect(r.issues[0]!.reason).toMatch(/Base32/);
    expect(r.issues[1]!.reason).toMatch(/30 or 60/);
    expect(r.issues[2]!.reason).toMatch(/duplicate serial number \(also on line 5\)/);
    expect(r.issues[3]!.reason).toMatch(/already in the inventory/);
    expect(await countTokens(store())).toBe(before + 1);
    const partial = await importHardwareTokens(deps(), ctx, file, { partial: true });
    expect(partial).toMatchObject({ ok: true, imported: 2 });
    expect(await countTokens(store())).toBe(before + 3);
  });

  it('two concurrent imports of overlapping files: one wins, the other imports nothing (409), no serial is doubled', async () => {
    const tag = randomBytes(3).toString('hex');
    const rows = (from: number) =>
      Array.from(
        { length: 300 },
        (_, i) => ['', `RACE-${tag}-${from + i}`, newSecret(), 30, 'A', 'B'] as [string, string, string, number, string, string],
      );
    const before = await countTokens(store());
    const results = await Promise.allSettled([
      importHardwareTokens(deps(), ctx, csvOf(rows(0))),
      importHardwareTokens(deps(), ctx, csvOf(rows(150))),
    ]);
    const imported = results.flatMap((r) => (r.status === 'fulfilled' && r.value.ok ? [r.value.imported] : []));
    const refused = results.filter((r) => r.status === 'rejected' || !r.value.ok);
    expect(imported.length + refused.length).toBe(2);
    // Either both checked before either committed (one hits the unique index: 409, nothing), or the second saw the first's rows (all-or-nothing refusal).
    expect(imported).toEqual([300]);
    expect(await countTokens(store())).toBe(before + 300);
    const serials = await store()
      .db.selectFrom('oath_tokens')
      .select('serial_number')
      .where('serial_number', 'like', `RACE-${tag}-%`)
      .execute();
    expect(new Set(serials.map((r) => r.serial_number)).size).toBe(300);
  });

  it('a file without the header row, an empty file and HOTP PSKC keys are refused', async () => {
    const before = await countTokens(store());
    const noHeader = await importHardwareTokens(deps(), ctx, `,NOHEAD-1,${newSecret()},30,A,B\n`, { format: 'csv' });
    expect(noHeader).toMatchObject({ ok: false, imported: 0 });
    expect(noHeader.issues[0]).toMatchObject({ line: 1, reason: expect.stringMatching(/header row is required/) });
    expect((await importHardwareTokens(deps(), ctx, '', { format: 'csv' })).ok).toBe(false);
    const hotp = await importHardwareTokens(
      deps(),
      ctx,
      buildPskc([{ serial: 'HOTP-1', secret: randomBytes(20), algorithm: 'urn:ietf:params:xml:ns:keyprov:pskc:hotp' }]),
    );
    expect(hotp.issues[0]?.reason).toMatch(/HOTP keys are not supported/);
    const xxe = await importHardwareTokens(
      deps(),
      ctx,
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><KeyContainer/>',
    );
    expect(xxe.issues[0]?.reason).toMatch(/DOCTYPE/);
    expect(await countTokens(store())).toBe(before);
  });
});
