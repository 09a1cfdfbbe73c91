import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database.ts';
import { createStatementNamer } from '../../src/store/prepared-statements.ts';
import { createTestDatabase } from '../support/stores.ts';

describe('statement namer', () => {
  it('names a parameterised DML text on its second use, and keeps the name', () => {
    const n = createStatementNamer(10);
    const q = 'select "id" from "users" where "id" = $1';
    expect(n.nameFor(q)).toBeUndefined();
    const name = n.nameFor(q);
    expect(name).toMatch(/^lk/);
    expect(n.nameFor(q)).toBe(name);
  });

  it('never names DDL, over-long texts, or more than maxNames texts', () => {
    const n = createStatementNamer(2);
    for (const ddl of ['create table x (a int)', 'alter table x add column b int']) {
      n.nameFor(ddl);
      expect(n.nameFor(ddl)).toBeUndefined();
    }
    const long = `select ${'1,'.repeat(5000)}1 where $1`;
    n.nameFor(long);
    expect(n.nameFor(long)).toBeUndefined();
    const texts = ['select $1', 'select $1, 2', 'select $1, 3'];
    const names = texts.map((t) => (n.nameFor(t), n.nameFor(t)));
    expect(names.filter(Boolean)).toHaveLength(2);
    expect(n.size).toBe(2);
  });

  it('0 turns naming off', () => {
    const n = createStatementNamer(0);
    n.nameFor('select $1');
    expect(n.nameFor('select $1')).toBeUndefined();
  });
});

/** One connection, so pg_prepared_statements (per session) shows what Kysely's queries became. */
describe('prepared statements on PostgreSQL', () => {
  let store: Store;
  beforeAll(async () => {
    const url = await createTestDatabase({ migrated: false, prefix: 'lk_prep' });
    store = await openStore({ databaseUrl: url, dataDir: '/nonexistent', poolMax: 1 });
    await sql`create table t (id int primary key, v text)`.execute(store.db);
    await sql`insert into t values (1, 'a'), (2, 'b')`.execute(store.db);
  });
  afterAll(async () => {
    await store.close();
  });
  const db = () => store.db as unknown as import('kysely').Kysely<{ t: { id: number; v: string; w?: number } }>;
  const prepared = async () =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(store.db)).rows.map((r) => r.statement);

  it('runs a repeated Kysely query as a prepared statement with the same results', async () => {
    const read = (id: number) => db().selectFrom('t').selectAll().where('id', '=', id).executeTakeFirst();
    expect(await read(1)).toEqual({ id: 1, v: 'a' });
    expect(await prepared()).toEqual([]);
    expect(await read(2)).toEqual({ id: 2, v: 'b' });
    expect(await read(1)).toEqual({ id: 1, v: 'a' });
    expect(await prepared()).toEqual(['select * from "t" where "id" = $1']);
  });

  it('a column added under a prepared select * (another node migrating) is recovered from, not an error', async () => {
    await sql`alter table t add column w int default 7`.execute(store.db);
    const row = await db().selectFrom('t').selectAll().where('id', '=', 1).executeTakeFirst();
    expect(row).toEqual({ id: 1, v: 'a', w: 7 });
    // …and the name is used again afterwards.
    expect(await db().selectFrom('t').selectAll().where('id', '=', 2).executeTakeFirst()).toEqual({ id: 2, v: 'b', w: 7 });
  });
});

describe('connection settings on PostgreSQL', () => {
  it('every pooled connection runs without JIT compilation (ADR 0013)', async () => {
    const store = await openStore({ databaseUrl: inject('postgresAdminUrl'), dataDir: '/nonexistent', poolMax: 3 });
    try {
      // Three at once, so the pool opens three connections; pg_sleep keeps each busy while the others connect.
      const rows = await Promise.all(
        [0, 1, 2].map(async () => (await sql<{ jit: string; pid: number }>`select current_setting('jit') as jit, pg_backend_pid() as pid, pg_sleep(0.05)`.execute(store.db)).rows[0]!),
      );
      expect(new Set(rows.map((r) => r.pid)).size).toBe(3);
      expect(rows.map((r) => r.jit)).toEqual(['off', 'off', 'off']);
    } finally {
      await store.close();
    }
  });
});
