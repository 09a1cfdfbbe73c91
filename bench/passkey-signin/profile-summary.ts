/**
 * Summarises a V8 .cpuprofile (from BENCH_CPU_PROF): self time by function and by source area
 * (package or Latchkey directory), so "where a sign-in's time goes" is readable in a terminal.
 *   node bench/passkey-signin/profile-summary.ts /tmp/prof/postgres/CPU.….cpuprofile [top]
 * PROFILE_FROM / PROFILE_TO (seconds from the profile's start) keep only that window's samples,
 * e.g. the last phase of a run; "total time" counts a function once per sample it is on the stack.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(process.argv[3] ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const from = Number(process.env.PROFILE_FROM ?? 0) * 1e6;
const to = process.env.PROFILE_TO ? Number(process.env.PROFILE_TO) * 1e6 : Infinity;
const samples: number[] = [];
let t = 0;
prof.samples.forEach((id, i) => {
  t += prof.timeDeltas[i] ?? 0;
  if (t >= from && t <= to) samples.push(id);
});
const hits = new Map<number, number>();
for (const s of samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const total = samples.length;

const area = (url: string): string => {
  if (!url) return '(native/idle/gc)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const src = /packages\/server\/src\/([^/]+(?:\/[^/]+)?)\//.exec(url);
  if (src) return `latchkey ${src[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return url.replace(/^file:\/\/\/work\/main\//, '');
};
const byFn = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, n] of hits) {
  const node = byId.get(id)!;
  const f = node.callFrame;
  const fn = `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}:${f.lineNumber + 1}` : ''}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + n);
  const a = f.functionName === '(idle)' ? '(idle)' : f.functionName === '(garbage collector)' ? '(gc)' : f.functionName === '(program)' ? '(program)' : area(f.url);
  byArea.set(a, (byArea.get(a) ?? 0) + n);
}
const nameOf = (f: Node['callFrame']) =>
  `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}:${f.lineNumber + 1}` : ''}`;
const inclusive = new Map<string, number>();
for (const [id, n] of hits) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const name = nameOf(byId.get(cur)!.callFrame);
    if (!seen.has(name)) seen.add(name);
  }
  for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + n);
}
const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
console.log(`${total} samples over ${((prof.endTime - prof.startTime) / 1e6).toFixed(1)} s${from || to !== Infinity ? ` (window ${from / 1e6}–${to === Infinity ? 'end' : to / 1e6} s)` : ''}`);
console.log('\nself time by area:');
for (const [k, n] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${k}`);
console.log('\nself time by function:');
for (const [k, n] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${k}`);
console.log('\ntotal time (self + callees) by function, Latchkey and packages:');
for (const [k, n] of [...inclusive].filter(([k]) => /packages\/server\/src|^[a-z@]/.test(k.split(' ')[1] ?? '')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${k}`);
