/**
 * What one PostgreSQL round trip costs on this machine, the raw limit behind every HTTP benchmark:
 * a primary-key select unnamed (parsed and planned each time, how Kysely's queries ran before
 * ADR 0011) and prepared, an autocommitted one-row update (a WAL flush each), and `select 1`.
 * 32 in flight on a throwaway server (scripts/pg-throwaway.mjs); CPU from /proc for PostgreSQL
 * (postmaster and backends) and this process. Stops by itself.
 *
 *   node bench/postgres-statements/run.ts        (BENCH_STATEMENTS=20000 per kind; BENCH_PG_SOCKET=1 over the Unix socket)
 */
import pg from 'pg';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { startThrowawayPostgres } from '../../scripts/pg-throwaway.mjs';
import { postgresCpuSeconds, postgresDurabilityLine } from '../support/stats.ts';
import { machineLines } from '../directory/machine.ts';
import { socketUrl } from '../support/server.ts';

const N = Number(process.env.BENCH_STATEMENTS ?? 20_000);
const server = await startThrowawayPostgres({ durable: process.env.BENCH_DURABLE === '1' });
// BENCH_PG_SOCKET=1: connect over the server's Unix socket instead of TCP on loopback.
const url = process.env.BENCH_PG_SOCKET === '1' ? socketUrl(server.url, server.dir) : server.url;
const pool = new pg.Pool({ connectionString: url, max: 16 });
const rows: string[] = [];
try {
  await pool.query('create table t (id int primary key, v int, note text)');
  await pool.query("insert into t select g, 0, 'x' from generate_series(1, 100000) g");
  const run = async (name: string, q: (i: number) => Promise<unknown>) => {
    const db0 = postgresCpuSeconds(join(server.dir, 'data'));
    const me0 = process.cpuUsage();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 32 }, async () => { for (let i = next++; i < N; i = next++) await q(i); }));
    const seconds = (performance.now() - t0) / 1000;
    const db = postgresCpuSeconds(join(server.dir, 'data')) - db0;
    const me = process.cpuUsage(me0);
    rows.push(`| ${name} | ${Math.round(N / seconds).toLocaleString('en')}/s | ${Math.round((db * 1e6) / N)} µs | ${Math.round((me.user + me.system) / N)} µs |`);
  };
  // Two rounds; the second is reported (the first warms caches and connections).
  for (let round = 0; round < 2; round++) {
    rows.length = 0;
    await run('select by primary key, unnamed (parse + plan each time)', (i) => pool.query('select * from t where id = $1', [(i % 100000) + 1]));
    await run('select by primary key, prepared', (i) => pool.query({ name: 'by_id', text: 'select * from t where id = $1', values: [(i % 100000) + 1] }));
    await run('update one row, autocommit', (i) => pool.query('update t set v = v + 1 where id = $1', [(i % 100000) + 1]));
    await run('select 1', () => pool.query('select 1'));
  }
} finally {
  await pool.end();
  server.stop();
}
process.stdout.write(['| statement (32 in flight) | per second | PostgreSQL CPU per statement | client (node-postgres) CPU per statement |', '|---|---|---|---|', ...rows, '', ...(await machineLines()), postgresDurabilityLine()].join('\n') + '\n');
