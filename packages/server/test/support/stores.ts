import { readFileSync } from 'node:fs';
import { inject, describe, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import type { DB } from '../../src/store/schema.ts';
import type { Store, StoreKind } from '../../src/store/database.ts';
import { openStore } from '../../src/store/database.ts';
import { runsOneStatementAtATime } from '../../src/store/batched-statement.ts';
import { pglitePool } from '../../src/store/pglite-pool.ts';

export const STORE_KINDS: readonly StoreKind[] = ['pglite', 'postgres'];

/**
 * A fresh, migrated database of the given kind: PGlite from the run's snapshot (~0.3 s), or a new
 * PostgreSQL database cloned from the migrated template. Each call is isolated from every other.
 */
export async function openTestStore(kind: StoreKind): Promise<Store & { url?: string }> {
  if (kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const bytes = readFileSync(inject('pgliteSnapshot'));
    const lite = await PGlite.create({ loadDataDir: new Blob([bytes]) });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pglitePool(lite) }) });
    runsOneStatementAtATime(db); // as openStore does for PGlite
    return {
      kind,
      db,
      notify: async (c, p) => void (await lite.query('select pg_notify($1,$2)', [c, p])),
      listen: async (c, fn) => {
        const un = await lite.listen(c, fn);
        return async () => un();
      },
      close: () => db.destroy(),
    };
  }
  const url = await createTestDatabase({ migrated: true });
  const store = await openStore({ databaseUrl: url, dataDir: '/nonexistent', poolMax: 10 });
  return Object.assign(store, { url });
}

/**
 * A new database on the run's PostgreSQL server; returns its URL. `migrated`: a copy of the
 * migrated template (what openTestStore uses); otherwise empty.
 */
export async function createTestDatabase(o: { migrated: boolean; prefix?: string }): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `${o.prefix ?? 'lk_test'}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}${o.migrated ? ` template ${inject('postgresTemplate')}` : ''}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The storage contract suite: runs `body` once per backend with a fresh database, so every
 * repository test proves the same behaviour on PGlite and PostgreSQL.
 */
export function describeEachStore(name: string, body: (get: () => Store) => void): void {
  for (const kind of STORE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let store: Store | undefined;
      beforeAll(async () => {
        store = await openTestStore(kind);
      });
      afterAll(async () => {
        await store?.close();
      });
      body(() => {
        if (!store) throw new Error('store not open yet');
        return store;
      });
    });
  }
}

export type { PostgresPool };
