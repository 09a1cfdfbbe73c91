/** Small statistics and process helpers shared by the benchmarks. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function percentile(sortedMs: number[], p: number): number {
  if (!sortedMs.length) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export function summarize(samplesMs: number[]): { n: number; p50: number; p90: number; p99: number; p999: number; max: number; mean: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    p999: percentile(s, 99.9),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

/** Resident memory of `pid` and its live descendants, MiB. */
export async function rssMiB(pid: number): Promise<number> {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kb / 1024;
}

/** CPU seconds (user + system) of `pid` and every live process below it (a supervisor's workers, LATCHKEY_WORKERS). */
export async function cpuSeconds(pid: number): Promise<number> {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const fields = readStat(p);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** `pid` and its live descendants, from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = readStat(Number(entry));
    if (!fields) continue;
    const ppid = Number(fields[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** The fields of /proc/<pid>/stat after the command name (state is [0], ppid [1], utime [11], stime [12]); undefined once it has gone. */
function readStat(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined;
  }
}

export async function machine(): Promise<string> {
  const { cpus, totalmem } = await import('node:os');
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** A one-line progress bar on stderr. */
export function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`);
}

/** CPU seconds of a PostgreSQL cluster: the postmaster and every process it started (backends, writers), from /proc. */
export function postgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    // The postmaster's own time plus cutime/cstime (its exited children: backends a pool closed
    // mid-run keep counting), and every live child's time.
    if (Number(d) === postmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    else if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

/** How the benchmark's throwaway PostgreSQL treats commits (BENCH_DURABLE=1 → PostgreSQL's defaults). */
export function postgresDurabilityLine(): string {
  return process.env.BENCH_DURABLE === '1'
    ? '- PostgreSQL durability: defaults (fsync on, synchronous_commit on: every commit waits for its WAL flush), `BENCH_DURABLE=1`'
    : '- PostgreSQL durability: throwaway settings (fsync, synchronous_commit and full_page_writes off: commits do not wait for the disk); `BENCH_DURABLE=1` measures the defaults';
}
