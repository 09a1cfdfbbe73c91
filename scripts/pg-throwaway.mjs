#!/usr/bin/env node
// Starts (and stops) a throwaway PostgreSQL from the Debian binaries on a free loopback port.
// Used by the test global setup when LATCHKEY_TEST_DATABASE_URL is unset, and by .ci/run.
//   node scripts/pg-throwaway.mjs start   → prints the URL; writes .tmp/pg/url and .tmp/pg/dir
//   node scripts/pg-throwaway.mjs stop
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const asRoot = process.getuid?.() === 0;

function bindir() {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    for (const v of ['17', '16', '15', '14']) if (existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) return `/usr/lib/postgresql/${v}/bin`;
    throw new Error('PostgreSQL binaries not found: apt-get install -y postgresql (or set LATCHKEY_TEST_DATABASE_URL)');
  }
}

function run(cmd, args) {
  const full = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(full[0], full[1], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server; returns { url, dir, stop() }. Tests want speed, so by default the cluster does
 * not make commits durable (fsync, synchronous_commit and full_page_writes off). Benchmarks pass
 * `{ durable: process.env.BENCH_DURABLE === '1' }` to measure PostgreSQL's defaults instead (a WAL
 * flush on every commit), what a production server pays. `PG_THROWAWAY_OPTS` appends settings to
 * the server's command line (e.g. `-c shared_preload_libraries=auto_explain …`, to see the plans a
 * benchmark used; docs/benchmarks/passkey-signin.md).
 */
export async function startThrowawayPostgres({ durable = false, statementStats = false } = {}) {
  const bin = bindir();
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  const fast = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  // statementStats: pg_stat_statements loaded (benchmarks print where PostgreSQL's time went).
  const stats = statementStats ? ' -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all' : '';
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${fast}${stats} -c max_connections=300 -c shared_buffers=256MB${process.env.PG_THROWAWAY_OPTS ? ` ${process.env.PG_THROWAWAY_OPTS}` : ""}`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
  if (process.env.PG_THROWAWAY_SCHED === 'batch') batchScheduling(data);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return { url, dir, stop: () => stopThrowawayPostgres(dir) };
}

/**
 * `PG_THROWAWAY_SCHED=batch`: the postmaster and every process it has (and will fork: the policy is
 * inherited) run as SCHED_BATCH, a class whose tasks do not preempt the running one when woken. On
 * a host shared with the server and a load generator, a backend woken by the server's statement
 * then waits for a free vCPU instead of pushing the server's event loop off its own
 * (docs/benchmarks/passkey-signin.md).
 */
function batchScheduling(data) {
  const postmaster = readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  const children = execFileSync('pgrep', ['-P', postmaster], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const pid of [postmaster, ...children]) execFileSync('chrt', ['-b', '-a', '-p', '0', pid]);
}

export function stopThrowawayPostgres(dir) {
  const data = join(dir, 'data');
  try {
    run(join(bindir(), 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
  } catch {
    /* already stopped */
  }
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const state = join(process.cwd(), '.tmp', 'pg');
  const cmd = process.argv[2];
  if (cmd === 'start') {
    const { url, dir } = await startThrowawayPostgres();
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'url'), url);
    writeFileSync(join(state, 'dir'), dir);
    process.stdout.write(url + '\n');
  } else if (cmd === 'stop') {
    if (existsSync(join(state, 'dir'))) stopThrowawayPostgres(readFileSync(join(state, 'dir'), 'utf8'));
    rmSync(state, { recursive: true, force: true });
  } else {
    process.stderr.write('usage: pg-throwaway.mjs start|stop\n');
    process.exit(2);
  }
}
