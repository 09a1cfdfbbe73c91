import { Browser, type Target } from './browser.ts';
import type { Client } from '../support/http-client.ts';
import type { SeededUser } from './seed.ts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpuSeconds, rssMiB, summarize } from '../support/stats.ts';

/**
 * A full GC of the load generator's own heap before a measured phase. The pages opened just
 * before it are still young, and without this the phase's first scavenges copy and promote
 * them (~5 MB each, 10–25 ms pauses on the two shared vCPUs), which every sign-in in flight
 * then counts as latency: the load generator stands in for 64 browsers on other machines, whose
 * GC is not the server's. BENCH_CLIENT_GC_SETTLE=0 skips it.
 */
function settleClientHeap(): void {
  if (process.env.BENCH_CLIENT_GC_SETTLE === '0') return;
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface PhaseResult {
  name: string;
  perSecond: number;
  n: number;
  failures: number;
  firstError: string | null;
  seconds: number;
  p50: number;
  /** The tail between the median and p99 (printed on the phase's line, not in the table). */
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** Server CPU over the phase, in cores (1.0 = one core busy). */
  serverCores: number;
  /** PostgreSQL's CPU (postmaster and its backends) over the phase, in cores; null on PGlite (inside the server). */
  dbCores: number | null;
  /** Server (+ PostgreSQL) CPU milliseconds per completed sign-in: the cost that bounds the rate on a given number of cores. */
  cpuMsPerSignIn: number;
  /** Load generator's own CPU over the phase, in cores. */
  clientCores: number;
  serverRssMiB: number;
  /** Mean batch size per batched statement over the phase (`/metrics`, ADR 0013). */
  batches?: string;
  /** The server's own mean answer time per route over the phase (bench/support/server-times.ts). */
  serverMs?: string;
}

/** Each worker owns users w, w+inFlight, …: one authenticator is never used twice at once (its counter stays ordered). */
const userOf = (users: SeededUser[], w: number, k: number, inFlight: number) => users[(w + k * inFlight) % users.length]!;

/** Opens `count` sign-in pages (authorize → /signin/{uid} → start), `inFlight` at a time, for the ceremony phase. */
export async function openPages(http: Client, t: Target, count: number, inFlight: number, onProgress?: (done: number) => void): Promise<Browser[]> {
  const pages: Browser[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next++;
        const b = new Browser(http, t);
        await b.open();
        pages.push(b);
        onProgress?.(pages.length);
      }
    }),
  );
  return pages;
}

/**
 * Runs `step(worker, k)` from `inFlight` workers until `seconds` pass or `step` returns false
 * (nothing left); each completed step is one sign-in, timed end to end.
 */
export async function phase(name: string, pid: number, seconds: number, inFlight: number, step: (w: number, k: number) => Promise<boolean>, dbCpu?: () => number): Promise<PhaseResult> {
  settleClientHeap();
  const samples: number[] = [];
  const spans: [number, number][] | undefined = process.env.BENCH_LATENCY_DUMP ? [] : undefined;
  let failures = 0;
  let firstError: string | null = null;
  const cpu0 = await cpuSeconds(pid);
  const db0 = dbCpu?.() ?? 0;
  const client0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      for (let k = 0; performance.now() < end; k++) {
        const t0 = performance.now();
        try {
          if (!(await step(w, k))) return;
          samples.push(performance.now() - t0);
          spans?.push([performance.timeOrigin + t0, performance.now() - t0]);
        } catch (err) {
          failures++;
          firstError ??= (err as Error).message.slice(0, 400);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  if (spans) (await import('node:fs')).writeFileSync(`${process.env.BENCH_LATENCY_DUMP}.${name.replace(/\W+/g, '-')}.json`, JSON.stringify(spans));
  const cpu = (await cpuSeconds(pid)) - cpu0;
  const db = dbCpu ? dbCpu() - db0 : null;
  const c = process.cpuUsage(client0);
  const s = summarize(samples);
  return {
    name,
    perSecond: s.n / elapsed,
    n: s.n,
    failures,
    firstError,
    seconds: elapsed,
    p50: s.p50,
    p90: s.p90,
    p99: s.p99,
    p999: s.p999,
    max: s.max,
    serverCores: cpu / elapsed,
    dbCores: db === null ? null : db / elapsed,
    cpuMsPerSignIn: s.n ? ((cpu + (db ?? 0)) * 1000) / s.n : NaN,
    clientCores: (c.user + c.system) / 1e6 / elapsed,
    serverRssMiB: await rssMiB(pid),
  };
}

/** Ceremony phase: options + verify on pages opened beforehand (the passkey endpoints only). */
export function ceremonySteps(pages: Browser[], users: SeededUser[], inFlight: number) {
  let next = 0;
  return async (w: number, k: number) => {
    const b = pages[next++];
    if (!b) return false;
    await b.passkey(userOf(users, w, k, inFlight).auth);
    return true;
  };
}

/** Whole OIDC round trip: authorize → start → options → verify → resume → code → token. */
export function fullSteps(http: Client, t: Target, users: SeededUser[], inFlight: number) {
  return async (w: number, k: number) => {
    const b = new Browser(http, t);
    await b.open();
    await b.finish(await b.passkey(userOf(users, w, k, inFlight).auth));
    return true;
  };
}
