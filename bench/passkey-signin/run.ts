/**
 * Passkey sign-in benchmark (issue 3): software authenticators (keys generated here, passkeys
 * registered through the real registration ceremony) sign in over HTTP against a `latchkey serve`
 * child, 64 in flight, on a throwaway PostgreSQL and on PGlite. Two phases per backend:
 *   ceremony — the sign-in page's passkey endpoints only (POST passkey/options + passkey/verify)
 *              on pages opened beforehand (authorize → /signin/{uid} → start);
 *   full     — the whole OIDC round trip: authorize → start → options → verify → resume → code → token.
 * Reports sign-ins/s, p50/p99, server CPU and RSS, and the raw ECDSA P-256 verifications/s of the
 * same machine in the same run, with the ratio. Stops by itself.
 *
 *   node bench/passkey-signin/run.ts
 *   BENCH_BACKENDS=postgres BENCH_SECONDS=10 BENCH_POOL=5000 node bench/passkey-signin/run.ts
 *   BENCH_CPU_PROF=/tmp/prof …   the server child writes a .cpuprofile there (node --cpu-prof)
 *   BENCH_SQL_COUNT=50 …         PostgreSQL: statements per sign-in from the server log (0 = skip)
 *   BENCH_SQL_DUMP=<file>         append every counted statement to <file> (to see which they are)
 *   BENCH_WARMUP=500 BENCH_WARMUP_SECONDS=3   warm-up ceremonies and seconds of whole round trips (not counted)
 *   BENCH_PG_SOCKET=1 …          the server reaches PostgreSQL over its Unix socket; BENCH_WORKERS=N … N server processes
 *   BENCH_SERVER_FLAGS='--trace-gc' BENCH_SERVER_STDOUT=1 …   node flags for the server child, and its stdout passed through
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type StoreKind } from '../../packages/server/src/store/database.ts';
import { migrateToLatest } from '../../packages/server/src/store/migrate.ts';
// @ts-expect-error plain ESM script without types
import { startThrowawayPostgres } from '../../scripts/pg-throwaway.mjs';
import { socketUrl, startBenchServer, type BenchServer } from '../support/server.ts';
import { machineLines } from '../directory/machine.ts';
import { postgresCpuSeconds, postgresDurabilityLine, progress } from '../support/stats.ts';
import { createClient } from '../support/http-client.ts';
import type { Target } from './browser.ts';
import { seedUsers, registerApp } from './seed.ts';
import { ceremonySteps, fullSteps, openPages, phase, type PhaseResult } from './load.ts';
import { ecdsaVerifiesPerSecond } from './ecdsa.ts';
import { countStatements } from './sql-count.ts';
import { batchSizes } from '../support/batch-sizes.ts';
import { serverTimes } from '../support/server-times.ts';
import { statementTimes } from '../support/pg-statement-times.ts';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = env('BENCH_SECONDS', 20);
const IN_FLIGHT = env('BENCH_IN_FLIGHT', 64);
const USERS = env('BENCH_USERS', 256);
const POOL = env('BENCH_POOL', 15_000);
const WARMUP = env('BENCH_WARMUP', 500);
const WARMUP_SECONDS = env('BENCH_WARMUP_SECONDS', 3);
const SQL_COUNT = env('BENCH_SQL_COUNT', 50);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as StoreKind[];
const PHASES = (process.env.BENCH_PHASES ?? 'ceremony,full').split(',');
const REDIRECT_URI = 'https://app.bench.test/callback';

interface BackendResult {
  kind: StoreKind;
  phases: PhaseResult[];
  statements: Awaited<ReturnType<typeof countStatements>> | null;
}

async function withBenchDb<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const u = new URL(url);
  u.pathname = '/latchkey_signin_bench';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

async function benchBackend(kind: StoreKind, pgServer: { url: string; dir: string } | null): Promise<BackendResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-bench-signin-'));
  let dbUrl: string | undefined;
  if (pgServer) {
    const admin = new pg.Client({ connectionString: pgServer.url });
    await admin.connect();
    await admin.query('create database latchkey_signin_bench');
    await admin.end();
    if (process.env.BENCH_PG_STATS === '1') await withBenchDb(pgServer.url, (c) => c.query('create extension if not exists pg_stat_statements'));
    const u = new URL(pgServer.url);
    u.pathname = '/latchkey_signin_bench';
    dbUrl = u.toString();
  }
  // The public URL is only a name here (RP ID, OIDC issuer); the bench talks to the listening port and maps it.
  const origin = 'http://localhost:8080';
  const store = await openStore({ databaseUrl: dbUrl, dataDir, poolMax: 4 });
  await migrateToLatest(store.db);
  const users = await seedUsers(store.db, { id: 'localhost', name: 'Latchkey', origins: [origin] }, USERS);
  await store.close();

  let server: BenchServer | undefined;
  let http: ReturnType<typeof createClient> | undefined;
  try {
    server = await startBenchServer({
      LATCHKEY_PUBLIC_URL: origin,
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_TRUSTED_PROXIES: '127.0.0.1',
      // BENCH_PG_SOCKET=1: the server reaches PostgreSQL over its Unix socket (same host) instead of TCP on loopback.
      ...(dbUrl
        ? {
            LATCHKEY_DATABASE_URL: process.env.BENCH_PG_SOCKET === '1' && pgServer ? socketUrl(dbUrl, pgServer.dir) : dbUrl,
            LATCHKEY_DATABASE_POOL_MAX: process.env.BENCH_POOL_MAX ?? '16',
          }
        : {}),
      ...(process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${kind}` } : {}),
    });
    const pid = server.child.pid!;
    let logBytes = 0;
    let logSample = '';
    server.child.stderr!.on('data', (d: Buffer) => {
      logBytes += d.length;
      if (logSample.length < 600) logSample += d.toString().slice(0, 600);
    });
    const dbCpu = pgServer ? () => postgresCpuSeconds(join(pgServer.dir, 'data')) : undefined;
    http = createClient(server.url, IN_FLIGHT);
    const app = await registerApp(server.url, server.token(), REDIRECT_URI);
    const disco = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string };
    const t: Target = { base: server.url, origin, authorizePath: new URL(disco.authorization_endpoint).pathname, tokenPath: new URL(disco.token_endpoint).pathname, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: REDIRECT_URI };

    // Warm-up (JIT, connection pools, caches): whole round trips, then ceremonies; not counted.
    await phase('warm-up', pid, WARMUP_SECONDS, IN_FLIGHT, fullSteps(http, t, users, IN_FLIGHT));
    const warm = await openPages(http, t, WARMUP, IN_FLIGHT);
    await phase('warm-up', pid, 30, IN_FLIGHT, ceremonySteps(warm, users, IN_FLIGHT));

    const statements = pgServer && SQL_COUNT > 0 ? await countStatements(pgServer, http, t, users, SQL_COUNT) : null;
    const phases: PhaseResult[] = [];
    if (PHASES.includes('ceremony')) {
      const pages = await openPages(http, t, POOL, IN_FLIGHT, (d) => d % 250 === 0 && progress(`${kind} open sign-in pages`, d, POOL));
      const sizes = await batchSizes(server.url);
      const times = await serverTimes(server.url);
      if (pgServer && process.env.BENCH_PG_STATS === '1') await withBenchDb(pgServer.url, (c) => c.query('select pg_stat_statements_reset(), pg_stat_reset()'));
      phases.push({ ...(await phase('ceremony (options + verify)', pid, SECONDS, IN_FLIGHT, ceremonySteps(pages, users, IN_FLIGHT), dbCpu)), batches: await sizes(), serverMs: await times() });
    }
    if (pgServer && process.env.BENCH_PG_STATS === '1') process.stderr.write(await withBenchDb(pgServer.url, statementTimes));
    if (PHASES.includes('full')) {
      const sizes = await batchSizes(server.url);
      const times = await serverTimes(server.url);
      phases.push({ ...(await phase('full OIDC round trip', pid, SECONDS, IN_FLIGHT, fullSteps(http, t, users, IN_FLIGHT), dbCpu)), batches: await sizes(), serverMs: await times() });
    }
    for (const p of phases) process.stderr.write(`${kind} ${p.name}: ${Math.round(p.perSecond)}/s p50 ${p.p50.toFixed(1)} ms p90 ${p.p90.toFixed(1)} ms p99 ${p.p99.toFixed(1)} ms p99.9 ${p.p999.toFixed(1)} ms, failures ${p.failures}${p.firstError ? ` (${p.firstError})` : ''}; mean batch: ${p.batches ?? '—'}; server's own time per call, ms: ${p.serverMs ?? '—'}\n`);
    if (logBytes) process.stderr.write(`${kind}: the server wrote ${logBytes} bytes to stderr during the run, e.g. ${logSample.slice(0, 600)}\n`);
    return { kind, phases, statements };
  } finally {
    http?.close();
    if (server) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let pgServer: { url: string; dir: string; stop(): void } | null = null;
  process.once('SIGINT', () => {
    pgServer?.stop();
    process.exit(130);
  });
  const loads: number[][] = [loadavg()];
  const ecdsa0 = await ecdsaVerifiesPerSecond();
  const results: BackendResult[] = [];
  try {
    for (const kind of BACKENDS) {
      if (kind === 'postgres') pgServer = await startThrowawayPostgres({ durable: process.env.BENCH_DURABLE === '1', statementStats: process.env.BENCH_PG_STATS === '1' });
      try {
        results.push(await benchBackend(kind, kind === 'postgres' ? pgServer : null));
      } finally {
        if (kind === 'postgres') {
          pgServer?.stop();
          pgServer = null;
        }
      }
      loads.push(loadavg());
    }
  } finally {
    pgServer?.stop();
  }
  const ecdsa1 = await ecdsaVerifiesPerSecond();
  const ecdsa = (ecdsa0 + ecdsa1) / 2;

  const f = (n: number) => Math.round(n).toLocaleString('en');
  const out = [
    `raw ECDSA P-256 verify (WebCrypto, ready keys, ${IN_FLIGHT} in flight, this process, idle server): ${f(ecdsa0)}/s before, ${f(ecdsa1)}/s after → ${f(ecdsa)}/s`,
    '',
    `| backend | phase | sign-ins/s | p50 ms | p99 ms | max ms | ratio to raw ECDSA verify | server CPU (cores) | PostgreSQL CPU (cores) | CPU ms per sign-in (server + database) | bench client CPU (cores) | server RSS MiB | n | failures |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.flatMap((r) =>
      r.phases.map((p) => `| ${r.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'} | ${p.name} | ${f(p.perSecond)} | ${p.p50.toFixed(1)} | ${p.p99.toFixed(1)} | ${p.max.toFixed(0)} | ${(p.perSecond / ecdsa).toFixed(3)} | ${p.serverCores.toFixed(2)} | ${p.dbCores === null ? 'in server' : p.dbCores.toFixed(2)} | ${p.cpuMsPerSignIn.toFixed(2)} | ${p.clientCores.toFixed(2)} | ${p.serverRssMiB.toFixed(0)} | ${p.n} | ${p.failures} |`),
    ),
    '',
    `${IN_FLIGHT} in flight, ${SECONDS} s per phase (ceremony phase ends early if its ${f(POOL)} pre-opened pages run out), ${USERS} users with one passkey each.`,
    ...results.filter((r) => r.statements).map((r) => `SQL statements per sign-in (PostgreSQL server log, ${SQL_COUNT} sequential sign-ins): ${r.statements!.summary}`),
    `load averages (1/5/15 min) before / after each backend: ${loads.map((l) => l.map((x) => x.toFixed(1)).join('/')).join(' → ')}`,
    '',
    ...(await machineLines()),
    postgresDurabilityLine(),
  ];
  process.stdout.write(out.join('\n') + '\n');
}

await main();
