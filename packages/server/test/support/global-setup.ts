import type { TestProject } from 'vitest/node';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { pglitePool } from '../../src/store/pglite-pool.ts';
// @ts-expect-error plain ESM script without types
import { startThrowawayPostgres } from '../../../../scripts/pg-throwaway.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresAdminUrl: string;
    postgresTemplate: string;
  }
}

export const TEMPLATE_DB = 'latchkey_template';

/** Migrated PGlite snapshot + a migrated PostgreSQL template database, made once per run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: Array<() => Promise<void> | void> = [];
  // PostgreSQL
  let adminUrl = process.env.LATCHKEY_TEST_DATABASE_URL;
  if (!adminUrl) {
    const started = await startThrowawayPostgres();
    adminUrl = started.url as string;
    cleanups.push(() => started.stop());
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const tdb = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: templateUrl, max: 1 }) }) });
  await migrateToLatest(tdb);
  await tdb.destroy();

  // PGlite
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-pglite-snap-'));
  const lite = await PGlite.create();
  const ldb = new Kysely<any>({ dialect: new PostgresDialect({ pool: pglitePool(lite) }) });
  await migrateToLatest(ldb);
  const dump = await lite.dumpDataDir('none');
  const snapshot = join(dir, 'snapshot.tar');
  writeFileSync(snapshot, Buffer.from(await dump.arrayBuffer()));
  await ldb.destroy();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

  project.provide('pgliteSnapshot', snapshot);
  project.provide('postgresAdminUrl', adminUrl);
  project.provide('postgresTemplate', TEMPLATE_DB);
  return async () => {
    for (const c of cleanups.reverse()) await c();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
