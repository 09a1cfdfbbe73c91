/**
 * OATH benchmark (issue 5): import 100k tokens (target ≤ 30 s, progress on stderr), code
 * verification in-process (target ≥ 50k/s) against the raw HMAC-SHA1 rate of the same run, and
 * over HTTP with the replay state written to PostgreSQL (target ≥ 3k/s). Uses a throwaway
 * PostgreSQL (scripts/pg-throwaway.mjs) and a `latchkey serve` child; stops both by itself.
 *
 *   node bench/oath/run.ts
 *   BENCH_IMPORT=20000 BENCH_HTTP_USERS=5000 BENCH_CLIENTS=16 node bench/oath/run.ts   (smaller)
 *   BENCH_PGLITE_IMPORT=1 …   also time the import on the embedded PGlite database
 *   BENCH_PG_SOCKET=1 …      the server reaches PostgreSQL over its Unix socket; BENCH_DURABLE=1 … PostgreSQL's default durability
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../packages/server/src/store/database.ts';
import { migrateToLatest } from '../../packages/server/src/store/migrate.ts';
import { createEnvelope } from '../../packages/server/src/secrets/envelope.ts';
// @ts-expect-error plain ESM script without types
import { startThrowawayPostgres } from '../../scripts/pg-throwaway.mjs';
import { socketUrl, startBenchServer, type BenchServer } from '../support/server.ts';
import { machineLines } from '../directory/machine.ts';
import { measureInProcess } from './verify-throughput.ts';
import { importWithProgress, insertUsers, tokenCsv } from './seed.ts';
import { baselineOverHttp, verifyOverHttp, type HttpPhase } from './http-verify.ts';
import { batchSizes } from '../support/batch-sizes.ts';
import { statementTimes } from '../support/pg-statement-times.ts';
import { postgresCpuSeconds, postgresDurabilityLine } from '../support/stats.ts';
import { verifyInProcessWithDb } from './domain-verify.ts';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const IMPORT = env('BENCH_IMPORT', 100_000);
const HTTP_USERS = env('BENCH_HTTP_USERS', 20_000);
const CLIENTS = env('BENCH_CLIENTS', 32);
const ITERATIONS = env('BENCH_ITERATIONS', 500_000);

async function main(): Promise<void> {
  const lines: string[] = [];
  const masterKey = randomBytes(32);
  const envelope = createEnvelope(masterKey);

  const inProc = measureInProcess(ITERATIONS);
  lines.push(
    `| in-process verifyCode (SHA-1, valid code) | ${Math.round(inProc.verifyPerSecond).toLocaleString('en')}/s | ≥ 50,000/s | raw HMAC-SHA1 ${Math.round(inProc.hmacPerSecond).toLocaleString('en')}/s; ratio ${inProc.ratio.toFixed(2)} |`,
  );
  process.stderr.write(`in-process: ${Math.round(inProc.verifyPerSecond)}/s (HMAC ${Math.round(inProc.hmacPerSecond)}/s)\n`);

  let pgServer: { url: string; dir: string; stop(): void } | undefined;
  let server: BenchServer | undefined;
  const stop = () => {
    server?.child.kill('SIGKILL');
    pgServer?.stop();
  };
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    pgServer = await startThrowawayPostgres({ durable: process.env.BENCH_DURABLE === '1', statementStats: process.env.BENCH_PG_STATS === '1' });
    const admin = new pg.Client({ connectionString: pgServer!.url });
    await admin.connect();
    await admin.query('create database latchkey_bench');
    await admin.end();
    const u = new URL(pgServer!.url);
    u.pathname = '/latchkey_bench';
    const store = await openStore({ databaseUrl: u.toString(), dataDir: '/nonexistent', poolMax: 4 });
    await migrateToLatest(store.db);

    const big = tokenCsv(IMPORT, 'IMP');
    const imp = await importWithProgress(store.db, envelope, big.csv, 'postgres import');
    lines.push(
      `| import ${IMPORT.toLocaleString('en')} tokens (Entra CSV, PostgreSQL, one transaction) | ${imp.seconds.toFixed(1)} s (${Math.round(IMPORT / imp.seconds).toLocaleString('en')} tokens/s) | ≤ 30 s | validate + seal each seed (envelope) + batched INSERTs of 1,000 |`,
    );

    if (process.env.BENCH_PGLITE_IMPORT) {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-oath-'));
      const lite = await openStore({ databaseUrl: undefined, dataDir: dir });
      await migrateToLatest(lite.db);
      const r = await importWithProgress(lite.db, envelope, tokenCsv(IMPORT, 'LITE').csv, 'pglite import');
      lines.push(
        `| import ${IMPORT.toLocaleString('en')} tokens (PGlite) | ${r.seconds.toFixed(1)} s | ≤ 30 s | embedded database, single connection |`,
      );
      await lite.close();
      rmSync(dir, { recursive: true, force: true });
    }

    const users = await insertUsers(store.db, HTTP_USERS, 'oathbench');
    const assigned = tokenCsv(
      HTTP_USERS,
      'HTTP',
      users.map((x) => x.upn),
    );
    await importWithProgress(store.db, envelope, assigned.csv, 'http set-up');
    // Set-up shortcut: mark the assigned tokens activated (activation itself is tested elsewhere).
    await store.db.updateTable('oath_tokens').set({ status: 'activated' }).where('serial_number', 'like', 'HTTP%').execute();
    // In-process against PostgreSQL on a tenth of the users (they are then used up for this time step).
    const tenth = Math.floor(users.length / 10);
    const direct = users.slice(users.length - tenth).map((x, i) => ({ id: x.id, secret: assigned.secrets[users.length - tenth + i]! }));
    const dom = await verifyInProcessWithDb(store.db, envelope, direct, CLIENTS);
    lines.push(
      `| verifyOathCode in-process on PostgreSQL (pool 4, ${CLIENTS} concurrent, ${direct.length.toLocaleString('en')} users) | ${Math.round(dom.perSecond).toLocaleString('en')}/s | — | ${dom.ok} accepted; one read + one conditional write each, gathered into batches (mean ${dom.batches}); ${Math.round(dom.cpuUs)} µs of this process's CPU per code (domain + Kysely + node-postgres) |`,
    );
    users.splice(users.length - tenth, tenth);
    await store.close();

    // BENCH_PG_SOCKET=1: the server reaches PostgreSQL over its Unix socket (same host) instead of TCP on loopback.
    const serverDbUrl = process.env.BENCH_PG_SOCKET === '1' ? socketUrl(u.toString(), pgServer!.dir) : u.toString();
    server = await startBenchServer({ LATCHKEY_DATABASE_URL: serverDbUrl, LATCHKEY_MASTER_KEY: masterKey.toString('base64') });
    const token = server.token();
    const pgDir = join(pgServer!.dir, 'data');
    const probe = { serverPid: server.child.pid!, dbCpu: () => postgresCpuSeconds(pgDir) };
    const cpu = (p: HttpPhase) => `server ${Math.round(p.serverUs)} µs + PostgreSQL ${Math.round(p.dbUs ?? NaN)} µs CPU per request`;
    // Warm-up on a few users (their results are not counted).
    const warm = users.slice(0, 200).map((x, i) => ({ id: x.id, secret: assigned.secrets[i]! }));
    await verifyOverHttp(server.url, token, warm, CLIENTS, probe);
    const rest = users.slice(200).map((x, i) => ({ id: x.id, secret: assigned.secrets[i + 200]! }));
    const sizes = await batchSizes(server.url);
    const stats = process.env.BENCH_PG_STATS === '1' ? new pg.Client({ connectionString: u.toString() }) : null;
    await stats?.connect();
    await stats?.query('create extension if not exists pg_stat_statements');
    await stats?.query('select pg_stat_statements_reset()');
    const http = await verifyOverHttp(server.url, token, rest, CLIENTS, probe);
    const httpBatches = await sizes();
    if (stats) {
      process.stderr.write(await statementTimes(stats));
      await stats.end();
    }
    const baseline = await baselineOverHttp(server.url, token, Math.min(20_000, rest.length), CLIENTS, probe);
    lines.push(
      `| HTTP baseline: GET /oathSettings (same harness, token check + one query) | ${Math.round(baseline.perSecond).toLocaleString('en')}/s | — | the server's request ceiling on this machine during the run; ${cpu(baseline)} |`,
    );
    lines.push(
      `| HTTP verifyOathCode, replay state in PostgreSQL (${CLIENTS} clients, ${rest.length.toLocaleString('en')} users) | ${Math.round(http.perSecond).toLocaleString('en')}/s | ≥ 3,000/s | ${http.ok} accepted, ${http.failed} refused, ${http.seconds.toFixed(1)} s; ${cpu(http)}; mean batch: ${httpBatches} |`,
    );
  } finally {
    if (server) await server.stop();
    pgServer?.stop();
  }

  const out = ['| measurement | result | target | notes |', '|---|---|---|---|', ...lines, '', ...(await machineLines()), postgresDurabilityLine()].join('\n');
  process.stdout.write(out + '\n');
}

await main();
