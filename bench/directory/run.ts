/**
 * Directory benchmark (issue 2): 100k users, 5k groups nested 5 deep, on PostgreSQL and PGlite.
 * Reports p50/p99 of transitive membership resolution for one user (in process and through
 * GET /users/{id}/transitiveMemberOf), users created per second through POST /users from
 * concurrent clients, and the server's RSS. Prints a Markdown table; stops everything it started.
 *
 *   npm run bench:directory            (root script: node bench/directory/run.ts)
 *   BENCH_USERS=10000 BENCH_BACKENDS=pglite node bench/directory/run.ts   (smaller / one backend)
 *   BENCH_DATABASE_URL=postgres://…/postgres …   (borrow a PostgreSQL instead of starting one)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CompiledQuery } from 'kysely';
import { openStore, type Store, type StoreKind } from '../../packages/server/src/store/database.ts';
import { migrateToLatest } from '../../packages/server/src/store/migrate.ts';
// @ts-expect-error plain ESM script without types
import { startThrowawayPostgres } from '../../scripts/pg-throwaway.mjs';
import { startBenchServer, type BenchServer } from '../support/server.ts';
import { rssMiB } from '../support/stats.ts';
import { seedDirectory, sampleUserIds, type SeedShape } from './seed.ts';
import { measureInDatabase, measureTransitive } from './resolve.ts';
import { createUsersOverHttp, transitiveOverHttp } from './http-load.ts';
import { machineLines } from './machine.ts';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SHAPE: SeedShape = {
  users: env('BENCH_USERS', 100_000),
  levels: env('BENCH_LEVELS', 5),
  perLevel: env('BENCH_GROUPS_PER_LEVEL', 1000),
};
const SAMPLES = env('BENCH_SAMPLES', 5000);
const HTTP_SAMPLES = env('BENCH_HTTP_SAMPLES', 1000);
const CREATE = env('BENCH_CREATE', 2000);
const CLIENTS = env('BENCH_CLIENTS', 8);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as StoreKind[];

interface Row {
  backend: string;
  version: string;
  seedSeconds: number;
  rows: string;
  inProcess: { p50: number; p99: number; meanGroups: number };
  inDatabase: { p50: number; p99: number };
  http: { p50: number; p99: number };
  create: { perSecond: number; p50: number; p99: number };
  rss: { idle: number; peak: number };
}

const ms = (v: number) => `${v.toFixed(2)} ms`;

async function benchBackend(kind: StoreKind, pgUrl: string | undefined): Promise<Row> {
  const dataDir = mkdtempSync(join(tmpdir(), `latchkey-bench-${kind}-`));
  let server: BenchServer | undefined;
  try {
    const store: Store = await openStore({ databaseUrl: pgUrl, dataDir, poolMax: 4 });
    let seeded: Awaited<ReturnType<typeof seedDirectory>>;
    let version = '';
    let sample: string[];
    let inProcess: Row['inProcess'];
    let inDatabase: Row['inDatabase'];
    const t0 = performance.now();
    try {
      await migrateToLatest(store.db);
      seeded = await store.db.connection().execute(async (conn) => {
        const q = async (text: string, params: unknown[] = []) => conn.executeQuery(CompiledQuery.raw(text, params));
        version = String(((await q('select version() as v')).rows[0] as { v: string }).v)
          .split(' on ')[0]!
          .split(',')[0]!;
        return seedDirectory(q, SHAPE);
      });
      process.stderr.write(`[${kind}] seeded ${JSON.stringify(seeded)} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      sample = await sampleUserIds(async (t, p) => store.db.executeQuery(CompiledQuery.raw(t, p ?? [])), 1000);
      const r = await measureTransitive(store.db, sample, SAMPLES);
      inProcess = { p50: r.p50, p99: r.p99, meanGroups: r.meanGroups };
      process.stderr.write(`[${kind}] transitive in process: p50 ${ms(r.p50)} p99 ${ms(r.p99)} (${r.meanGroups.toFixed(1)} groups/user)\n`);
      const d = await measureInDatabase(store.db, sample, Math.min(SAMPLES, 2000));
      inDatabase = { p50: d.p50, p99: d.p99 };
      process.stderr.write(`[${kind}] transitive in the database (EXPLAIN ANALYZE): p50 ${ms(d.p50)} p99 ${ms(d.p99)}\n`);
    } finally {
      await store.close();
    }
    const seedSeconds = (performance.now() - t0) / 1000;

    server = await startBenchServer({ LATCHKEY_DATA_DIR: dataDir, ...(pgUrl ? { LATCHKEY_DATABASE_URL: pgUrl } : {}) });
    const token = server.token();
    const idle = await rssMiB(server.child.pid!);
    const http = await transitiveOverHttp(server.url, token, sample, HTTP_SAMPLES);
    process.stderr.write(`[${kind}] transitiveMemberOf over HTTP: p50 ${ms(http.p50)} p99 ${ms(http.p99)}\n`);
    const created = await createUsersOverHttp(server.url, token, {
      total: CREATE,
      clients: CLIENTS,
      prefix: `load-${kind}-`,
      pid: server.child.pid!,
    });
    process.stderr.write(`[${kind}] created ${CREATE} users: ${created.perSecond.toFixed(0)}/s\n`);
    return {
      backend: kind === 'postgres' ? 'PostgreSQL' : 'PGlite',
      version,
      seedSeconds,
      rows: `${seeded.users.toLocaleString('en')} users, ${seeded.groups.toLocaleString('en')} groups, ${seeded.memberships.toLocaleString('en')} memberships`,
      inProcess,
      inDatabase,
      http: { p50: http.p50, p99: http.p99 },
      create: { perSecond: created.perSecond, p50: created.latency.p50, p99: created.latency.p99 },
      rss: { idle, peak: created.peakRssMiB },
    };
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function table(rows: Row[]): string {
  const head = `| backend | directory | transitive groups of one user, in process: p50 / p99 | same, database time only (EXPLAIN ANALYZE): p50 / p99 | GET /users/{id}/transitiveMemberOf: p50 / p99 | users created / s (${CLIENTS} clients, ${CREATE} users) | create latency p50 / p99 | server RSS idle / peak |`;
  const sep = '|---|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.backend} (${r.version}) | ${r.rows}; depth ${SHAPE.levels}; ${r.inProcess.meanGroups.toFixed(1)} groups per user | ${ms(r.inProcess.p50)} / ${ms(r.inProcess.p99)} | ${ms(r.inDatabase.p50)} / ${ms(r.inDatabase.p99)} | ${ms(r.http.p50)} / ${ms(r.http.p99)} | ${r.create.perSecond.toFixed(0)} | ${ms(r.create.p50)} / ${ms(r.create.p99)} | ${r.rss.idle.toFixed(0)} / ${r.rss.peak.toFixed(0)} MiB |`,
  );
  return [head, sep, ...lines].join('\n');
}

async function main(): Promise<void> {
  // BENCH_DATABASE_URL: an existing PostgreSQL to borrow (a scratch database is created and dropped);
  // otherwise a throwaway server is started from the Debian binaries and stopped at the end.
  let pgServer: { url: string; stop(): void } | undefined;
  const adminUrl = process.env.BENCH_DATABASE_URL;
  const scratch = `latchkey_bench_${process.pid}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: adminUrl ?? pgServer!.url });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  const stop = () => pgServer?.stop();
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  const rows: Row[] = [];
  try {
    if (BACKENDS.includes('postgres')) {
      if (!adminUrl) pgServer = await startThrowawayPostgres();
      await admin(`create database ${scratch}`);
      const u = new URL(adminUrl ?? pgServer!.url);
      u.pathname = `/${scratch}`;
      try {
        rows.push(await benchBackend('postgres', u.toString()));
      } finally {
        if (adminUrl) await admin(`drop database if exists ${scratch} with (force)`);
      }
    }
    if (BACKENDS.includes('pglite')) rows.push(await benchBackend('pglite', undefined));
  } finally {
    stop();
  }
  process.stdout.write(`## Directory benchmark\n\n${(await machineLines()).join('\n')}\n\n${table(rows)}\n`);
}

await main();
