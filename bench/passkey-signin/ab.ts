/**
 * Same-minute A/B of the passkey ceremony phase: runs `run.ts` alternately for two variants,
 * `rounds` times each, and prints every run and each variant's median. On this 2-vCPU virtual
 * machine the rate of one configuration moves by ±15–20 % between runs minutes apart (the host's
 * other tenants), so one run against one run says little; alternating and taking medians does.
 *
 *   node bench/passkey-signin/ab.ts <dirA> <dirB> [rounds]        two checkouts (git worktrees) of Latchkey
 *   AB_ENV_A='BENCH_PG_SOCKET=1' node bench/passkey-signin/ab.ts . . 3   one checkout, two settings
 *
 * Each run: PostgreSQL only, ceremony phase only, BENCH_SECONDS (10), BENCH_POOL (10,000) pages,
 * 300 warm-up ceremonies, no statement count; AB_ENV_A / AB_ENV_B add `K=V …` to a variant, and
 * AB_CLIENT_FLAGS_A / AB_CLIENT_FLAGS_B node flags for that variant's load generator only (the
 * server child does not inherit them).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const [dirA, dirB, roundsArg] = process.argv.slice(2);
if (!dirA || !dirB) throw new Error('usage: ab.ts <dirA> <dirB> [rounds]');
const rounds = Number(roundsArg ?? 3);

interface Run {
  rate: number;
  p50: number;
  p99: number;
  cpuMs: number;
  clientCores: number;
}

const envOf = (spec: string | undefined): Record<string, string> =>
  Object.fromEntries((spec ?? '').split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

function runOnce(dir: string, extra: Record<string, string>, clientFlags: string[]): Run {
  const r = spawnSync(process.execPath, [...clientFlags, 'bench/passkey-signin/run.ts'], {
    cwd: resolve(dir),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024, // progress bars and the server's warnings go to stderr
    env: {
      ...process.env,
      BENCH_BACKENDS: 'postgres',
      BENCH_PHASES: 'ceremony',
      BENCH_SECONDS: process.env.BENCH_SECONDS ?? '10',
      BENCH_POOL: process.env.BENCH_POOL ?? '10000',
      BENCH_SQL_COUNT: '0',
      BENCH_WARMUP: '300',
      ...extra,
    },
  });
  const row = (r.stdout + r.stderr).split('\n').find((l) => l.startsWith('| PostgreSQL | ceremony'));
  if (r.status !== 0 || !row) throw new Error(`run in ${dir} failed (${r.status}): ${(r.stderr || r.stdout).slice(-800)}`);
  const c = row.split('|').map((s) => s.trim());
  // | backend | phase | rate | p50 | p99 | max | ratio | server | pg | cpu ms | client | rss | n | failures |
  if (Number(c[14]) > 0) throw new Error(`run in ${dir} had failures: ${row}`);
  return { rate: Number(c[3]!.replace(/,/g, '')), p50: Number(c[4]), p99: Number(c[5]), cpuMs: Number(c[10]), clientCores: Number(c[11]) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const line = (name: string, r: Run) =>
  `${name.padEnd(2)} ${String(Math.round(r.rate)).padStart(6)}/s  p50 ${r.p50.toFixed(1).padStart(6)}  p99 ${r.p99.toFixed(1).padStart(6)}  CPU ${r.cpuMs.toFixed(2)} ms  client ${r.clientCores.toFixed(2)}`;

const variants = [
  { name: 'A', dir: dirA, env: envOf(process.env.AB_ENV_A), clientFlags: (process.env.AB_CLIENT_FLAGS_A ?? '').split(' ').filter(Boolean), runs: [] as Run[] },
  { name: 'B', dir: dirB, env: envOf(process.env.AB_ENV_B), clientFlags: (process.env.AB_CLIENT_FLAGS_B ?? '').split(' ').filter(Boolean), runs: [] as Run[] },
];
for (let i = 0; i < rounds; i++) {
  for (const v of i % 2 ? [...variants].reverse() : variants) {
    const r = runOnce(v.dir, v.env, v.clientFlags);
    v.runs.push(r);
    console.log(`${new Date().toISOString().slice(11, 19)} ${line(v.name, r)}`);
  }
}
console.log('\nmedians:');
for (const v of variants) {
  const m = (k: keyof Run) => median(v.runs.map((r) => r[k]));
  const label = [process.env[`AB_ENV_${v.name}`], v.clientFlags.join(' ')].filter(Boolean).join(' ');
  console.log(line(v.name, { rate: m('rate'), p50: m('p50'), p99: m('p99'), cpuMs: m('cpuMs'), clientCores: m('clientCores') }), ` (${v.dir}${label ? ` ${label}` : ''})`);
}
