import { describe, expect, it, beforeAll } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { describeEachStore, openTestStore } from '../support/stores.ts';
import { openStore } from '../../src/store/database.ts';
import { recordAudit, type AuditEvent } from '../../src/audit/record.ts';
import { verifyAuditLog } from '../../src/audit/verify.ts';
import { systemContext, type RequestContext } from '../../src/auth/principal.ts';
import type { DB } from '../../src/store/schema.ts';

const admin: RequestContext = {
  principal: {
    kind: 'user',
    id: '11111111-1111-4111-8111-111111111111',
    displayName: 'Ada Admin',
    userPrincipalName: 'ada@example.com',
    roles: [],
    scopes: [],
  },
  correlationId: 'corr-1',
  ipAddress: '203.0.113.7',
};

const event = (i: number): AuditEvent => ({
  category: i % 2 ? 'UserManagement' : 'GroupManagement',
  activity: i % 2 ? 'Add user' : 'Add group',
  operationType: 'Add',
  targets: [{ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName: `target ${i}`, type: i % 2 ? 'User' : 'Group' }],
  details: { n: String(i) },
});

/** Superuser tampering: switch the append-only trigger off, run `statement`, switch it back on. */
async function tamper(db: Kysely<DB>, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
    await statement.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
  });
}

describeEachStore('audit chain', (store) => {
  beforeAll(async () => {
    for (let i = 1; i <= 6; i++) await recordAudit(store().db, i === 3 ? systemContext('corr-sys') : admin, event(i));
  });

  it('an honest log verifies, with its head as the anchor', async () => {
    const r = await verifyAuditLog(store().db);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(6);
    expect(r.head?.seq).toBe(6);
    expect(r.head?.anchor).toMatch(/^6:[0-9a-f]{64}$/);
    expect((await verifyAuditLog(store().db, { expectHead: r.head!.anchor })).ok).toBe(true);
  });

  it('the database refuses UPDATE and DELETE on the audit table', async () => {
    const db = store().db;
    await expect(sql`update audit_log set category = 'X' where seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    expect((await verifyAuditLog(db)).ok).toBe(true);
  });

  it('20 appends in parallel transactions still form one chain', async () => {
    const db = store().db;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await recordAudit(trx, admin, event(100 + i));
        }),
      ),
    );
    const r = await verifyAuditLog(db, { batchSize: 7 });
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(26);
    const seqs = (await db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((x) => Number(x.seq));
    expect(seqs).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
  });

  it('an audit entry rolls back with the change it records', async () => {
    const db = store().db;
    await expect(
      db.transaction().execute(async (trx) => {
        await recordAudit(trx, admin, event(999));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(
      (
        await db
          .selectFrom('audit_log')
          .select('seq')
          .where(sql<boolean>`additional_details @> ${JSON.stringify([{ key: 'n', value: '999' }])}::jsonb`)
          .execute()
      ).length,
    ).toBe(0);
    expect((await verifyAuditLog(db)).ok).toBe(true);
  });

  it('keeps text PostgreSQL would alter (NUL, lone surrogates) verifiable', async () => {
    const db = store().db;
    await recordAudit(db, admin, {
      category: 'Other',
      activity: 'weird \u0000 name \ud800',
      operationType: 'Other',
      targets: [{ id: 'x\u0000', type: 'Other', displayName: '\udfff' }],
    });
    expect((await verifyAuditLog(db)).ok).toBe(true);
  });
});

describeEachStore('audit chain tampering by a superuser', (store) => {
  const fresh = async (n: number) => {
    const db = store().db;
    for (let i = 1; i <= n; i++) await recordAudit(db, admin, event(i));
    return db;
  };

  it('detects an edited entry at its exact sequence', async () => {
    const db = await fresh(8);
    const anchor = (await verifyAuditLog(db)).head!.anchor;
    await tamper(db, sql`update audit_log set activity_display_name = 'Nothing to see' where seq = 5`);
    const r = await verifyAuditLog(db, { batchSize: 3, expectHead: anchor });
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ kind: 'edited', seq: 5 });
    expect(r.issues.map((i) => i.seq)).toEqual([5]);
  });

  it('detects an edit inside the jsonb actor', async () => {
    const db = store().db;
    await tamper(
      db,
      sql`update audit_log set initiated_by = jsonb_set(initiated_by, '{user,userPrincipalName}', '"mallory@example.com"') where seq = 2`,
    );
    const r = await verifyAuditLog(db);
    expect(r.firstBroken).toMatchObject({ kind: 'edited', seq: 2 });
  });

  it('detects an edit whose hash was recomputed, at the next entry', async () => {
    const db = store().db;
    // The attacker edits entry 7 and rewrites its hash so 7 verifies alone; 8 no longer links to it.
    await tamper(db, sql`update audit_log set result = 'failure', hash = repeat('a', 64) where seq = 7`);
    const r = await verifyAuditLog(db);
    expect(r.issues.find((i) => i.seq === 8)).toMatchObject({ kind: 'relinked', seq: 8 });
  });

  it('detects a forged entry inserted with a made-up hash', async () => {
    const db = store().db;
    const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const seq = Number(last.seq) + 1;
    await sql`insert into audit_log (seq, id, activity_date_time, category, activity_display_name, operation_type, result, initiated_by, prev_hash, hash)
      values (${seq}, ${crypto.randomUUID()}, now(), 'UserManagement', 'Add user', 'Add', 'success', '{"user":null,"app":null}'::jsonb, ${last.hash}, ${'b'.repeat(64)})`.execute(
      db,
    );
    const r = await verifyAuditLog(db);
    expect(r.issues.find((i) => i.seq === seq)).toMatchObject({ kind: 'edited', seq });
  });

  it('detects a deleted entry', async () => {
    const db = store().db;
    await tamper(db, sql`delete from audit_log where seq in (2, 3, 4, 5, 7)`);
    const r = await verifyAuditLog(db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ kind: 'deleted', seq: 6 });
    expect(r.firstBroken!.message).toMatch(/entries 2–5 are missing/);
  });
});

describeEachStore('audit chain: deletion, reordering, truncation', (store) => {
  it('reports the first broken sequence for each kind of tampering', async () => {
    const db = store().db;
    for (let i = 1; i <= 10; i++) await recordAudit(db, admin, event(i));
    const anchor = (await verifyAuditLog(db)).head!.anchor;

    // Reorder: swap entries 3 and 4 (their seq numbers).
    await tamper(db, sql`update audit_log set seq = case seq when 3 then -4 when 4 then -3 end where seq in (3, 4)`);
    await tamper(db, sql`update audit_log set seq = -seq where seq < 0`);
    let r = await verifyAuditLog(db);
    expect(r.firstBroken?.seq).toBe(3);
    await tamper(db, sql`update audit_log set seq = case seq when 3 then -4 when 4 then -3 end where seq in (3, 4)`);
    await tamper(db, sql`update audit_log set seq = -seq where seq < 0`);
    expect((await verifyAuditLog(db)).ok).toBe(true);

    // Delete one entry in the middle.
    await tamper(db, sql`delete from audit_log where seq = 6`);
    r = await verifyAuditLog(db);
    expect(r.firstBroken).toMatchObject({ kind: 'deleted', seq: 7 });
    expect(r.firstBroken!.message).toMatch(/entry 6 is missing/);

    // Truncate the newest entries: only the anchor reveals it.
    await tamper(db, sql`delete from audit_log where seq >= 6`);
    expect((await verifyAuditLog(db)).ok).toBe(true);
    r = await verifyAuditLog(db, { expectHead: anchor });
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ kind: 'truncated', seq: null });
    expect(r.firstBroken!.message).toMatch(/ends at entry 5, before the anchored entry 10/);
  });
});

describe('audit chain across nodes [postgres]', () => {
  it('two nodes (two connection pools) appending at once on one database form one chain', async () => {
    const first = await openTestStore('postgres');
    const second = await openStore({ databaseUrl: first.url!, dataDir: '/nonexistent', poolMax: 5 });
    try {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? second : first).db.transaction().execute(async (trx) => {
            await recordAudit(trx, admin, event(i));
          }),
        ),
      );
      const r = await verifyAuditLog(first.db);
      expect(r.ok).toBe(true);
      expect(r.checked).toBeGreaterThanOrEqual(30);
      expect(r.head?.seq).toBe(r.checked);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
