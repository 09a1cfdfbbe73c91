import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { recordAudit, recordAuditMany, type AuditEvent } from '../../src/audit/record.ts';
import { recordAuditGrouped } from '../../src/audit/group-commit.ts';
import { verifyAuditLog } from '../../src/audit/verify.ts';
import { systemContext } from '../../src/auth/principal.ts';

const ctx = systemContext('group-commit-test');
const event = (i: number): AuditEvent => ({ category: 'Authentication', activity: 'Sign-in activity', operationType: 'Other', details: { n: String(i) } });
const count = async (db: Parameters<typeof verifyAuditLog>[0]) => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describeEachStore('audit group commit', (store) => {
  it('150 parallel grouped appends, mixed with plain ones, form one verifiable chain with every entry once', async () => {
    const db = store().db;
    const before = await count(db);
    await Promise.all([
      ...Array.from({ length: 150 }, (_, i) => recordAuditGrouped(db, ctx, event(i))),
      ...Array.from({ length: 10 }, (_, i) => recordAudit(db, ctx, event(1000 + i))),
    ]);
    expect(await count(db)).toBe(before + 160);
    const r = await verifyAuditLog(db);
    expect(r.ok).toBe(true);
    const ns = (await db.selectFrom('audit_log').select('additional_details').where('category', '=', 'Authentication').execute()).map((x) => (x.additional_details as Array<{ value: string }>)[0]!.value);
    expect(new Set(ns).size).toBe(160);
    const seqs = (await db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((x) => Number(x.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it('recordAuditMany keeps the given order inside one transaction; inside a caller transaction the grouped form joins it', async () => {
    const db = store().db;
    await recordAuditMany(db, [0, 1, 2].map((i) => ({ ctx, event: event(2000 + i) })));
    const last3 = (await db.selectFrom('audit_log').select(['additional_details']).orderBy('seq', 'desc').limit(3).execute()).map((x) => (x.additional_details as Array<{ value: string }>)[0]!.value);
    expect(last3).toEqual(['2002', '2001', '2000']);
    const before = await count(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await recordAuditGrouped(trx, ctx, event(3000));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await count(db)).toBe(before);
    expect((await verifyAuditLog(db)).ok).toBe(true);
  });
});
