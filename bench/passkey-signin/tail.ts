/**
 * Where the latency tail of a ceremony phase comes from: are the slow sign-ins spread out, or
 * bunched in stalls that hold up everything in flight — and do those stalls line up with the
 * server's GC pauses?
 *
 *   BENCH_BACKENDS=postgres BENCH_PHASES=ceremony BENCH_SQL_COUNT=0 BENCH_LATENCY_DUMP=/tmp/lat \
 *   BENCH_SERVER_FLAGS='--trace-gc --import ./bench/support/print-epoch.mjs' BENCH_SERVER_STDOUT=1 \
 *     node bench/passkey-signin/run.ts > /tmp/run.txt
 *   node bench/passkey-signin/tail.ts /tmp/lat.ceremony-options-verify-.json /tmp/run.txt
 *
 * The first file holds [start (epoch ms), duration (ms)] per sign-in (BENCH_LATENCY_DUMP); the
 * second, optional, is the run's output with the server's --trace-gc lines and its EPOCH line.
 */
import { readFileSync } from 'node:fs';

const [spansFile, runFile] = process.argv.slice(2);
if (!spansFile) throw new Error('usage: tail.ts <latency dump .json> [run output with --trace-gc]');
const spans = JSON.parse(readFileSync(spansFile, 'utf8')) as Array<[number, number]>;
const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(p * (s.length - 1))] ?? NaN;
};
const line = (name: string, xs: number[]) =>
  console.log(`${name.padEnd(34)} n ${String(xs.length).padStart(6)}  p50 ${quantile(xs, 0.5).toFixed(1)}  p90 ${quantile(xs, 0.9).toFixed(1)}  p99 ${quantile(xs, 0.99).toFixed(1)} ms`);

const all = spans.map(([, d]) => d);
const p99 = quantile(all, 0.99);
line('all sign-ins', all);

// Completions per 100 ms window; the sign-ins at or above p99 counted by the window they ended in.
const WINDOW = 100;
const t0 = Math.min(...spans.map(([s]) => s));
const windows = new Map<number, { n: number; tail: number }>();
for (const [s, d] of spans) {
  const w = windows.get(Math.floor((s + d - t0) / WINDOW)) ?? { n: 0, tail: 0 };
  w.n++;
  if (d >= p99) w.tail++;
  windows.set(Math.floor((s + d - t0) / WINDOW), w);
}
const ws = [...windows.values()];
const tails = ws.map((w) => w.tail).sort((a, b) => b - a);
const tailTotal = tails.reduce((a, b) => a + b, 0);
const worstTenth = tails.slice(0, Math.ceil(ws.length / 10)).reduce((a, b) => a + b, 0);
const ns = ws.map((w) => w.n);
console.log(
  `${WINDOW} ms windows: ${ws.length}; completions per window p10 ${quantile(ns, 0.1)}, median ${quantile(ns, 0.5)}, max ${Math.max(...ns)}; ` +
    `${((100 * worstTenth) / tailTotal).toFixed(0)} % of the sign-ins at or above p99 ended in the worst tenth of the windows`,
);

if (runFile) {
  const run = readFileSync(runFile, 'utf8');
  const epoch = Number(/EPOCH ([\d.]+)/.exec(run)?.[1]);
  if (!Number.isFinite(epoch)) throw new Error(`${runFile} has no EPOCH line: preload bench/support/print-epoch.mjs into the server`);
  // --trace-gc: "[pid:0x…]    27565 ms: Scavenge 281.7 (360.7) -> 241.7 (366.2) MB, pooled: 19 MB, 7.61 / 0.94 ms …"
  const pauses = [...run.matchAll(/\]\s+(\d+) ms: (Scavenge|Mark-Compact)[^\n]*?MB, pooled: [\d.]+ MB, ([\d.]+) \/ [\d.]+ ms/g)].map((m) => ({
    end: epoch + Number(m[1]), // printed when the pause ends
    kind: m[2]!,
    pause: Number(m[3]),
  }));
  const inPhase = pauses.filter((p) => p.end >= t0 && p.end <= t0 + ws.length * WINDOW);
  const scavenges = inPhase.filter((p) => p.kind === 'Scavenge');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  console.log(
    `GC during the phase: ${scavenges.length} scavenges (mean pause ${mean(scavenges.map((p) => p.pause)).toFixed(1)} ms), ` +
      `${inPhase.length - scavenges.length} mark-compacts (${inPhase.filter((p) => p.kind !== 'Scavenge').map((p) => p.pause.toFixed(0)).join(', ')} ms)`,
  );
  const overlaps = (s: number, d: number, kinds: string[]) => inPhase.some((p) => kinds.includes(p.kind) && p.end >= s && p.end - p.pause <= s + d);
  line('no mark-compact during the sign-in', spans.filter(([s, d]) => !overlaps(s, d, ['Mark-Compact'])).map(([, d]) => d));
  line('no GC pause at all during it', spans.filter(([s, d]) => !overlaps(s, d, ['Mark-Compact', 'Scavenge'])).map(([, d]) => d));
}
