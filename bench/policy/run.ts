/**
 * Policy benchmark (issue 4): 1,000 CA policies, 100k users, 5k nested groups, 200 apps.
 * Reports p50/p99 of one sign-in evaluation (target ≤ 1 ms p99), the time of a full lockout
 * analysis over all users × apps + the registration action (target ≤ 60 s, progress on stderr),
 * and memory. Pure in-process: the directory is synthesized as `loadDirectoryFacts` returns it,
 * so the numbers are the evaluator's and the analysis's, not the database's (loading 100k users'
 * facts is a handful of set queries; see docs/benchmarks/policy.md). Stops by itself.
 *
 *   node bench/policy/run.ts                       (writes docs/benchmarks/policy.md)
 *   BENCH_USERS=10000 node bench/policy/run.ts     (smaller; prints only)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compilePolicies } from '../../packages/server/src/policy/conditional-access/compile.ts';
import { evaluate, type SignInInput } from '../../packages/server/src/policy/conditional-access/evaluate.ts';
import { runAnalysis } from '../../packages/server/src/policy/analysis/run.ts';
import { affectedUsers, changedPolicies } from '../../packages/server/src/policy/analysis/guard.ts';
import { summarize } from '../support/stats.ts';
import { machineLines } from '../directory/machine.ts';
import { rng, synthesize, type Shape } from './synthetic.ts';

// Must stop by itself, whatever happens.
setTimeout(() => {
  process.stderr.write('bench/policy: 15 minute limit reached, stopping\n');
  process.exit(3);
}, 15 * 60_000).unref();

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SHAPE: Shape = {
  users: env('BENCH_USERS', 100_000),
  groups: env('BENCH_GROUPS', 5_000),
  apps: env('BENCH_APPS', 200),
  policies: env('BENCH_POLICIES', 1_000),
};
const SAMPLES = env('BENCH_SAMPLES', 20_000);
const mib = (n: number) => (n / 2 ** 20).toFixed(0);

const t0 = performance.now();
// `let`: the sign-in measurement drops the directory first (a server holds compiled policies, not
// 100k users' facts; a 200 MB heap being marked would add GC pauses no sign-in pays), then it is
// synthesized again, identically (fixed seed), for the analysis.
let data = synthesize(SHAPE);
const synthMs = performance.now() - t0;
const memAfterData = process.memoryUsage();

const t1 = performance.now();
const compiled = compilePolicies(data.policies, data.strengths, data.locations);
const compileMs = performance.now() - t1;

// One sign-in evaluation = what evaluateSignIn does after loading: every policy's result (for the sign-in log) and the decision.
const r = rng(7);
const modes = [
  [{ mode: 'password' }],
  [{ mode: 'password' }, { mode: 'softwareOath' }],
  [{ mode: 'fido2', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8' }],
  [{ mode: 'temporaryAccessPassOneTime' }],
];
const inputs: SignInInput[] = Array.from({ length: SAMPLES }, () => {
  const u = data.facts.users[Math.floor(r() * data.facts.users.length)]!;
  return {
    userId: u.id,
    groupIds: u.groupIds,
    roleIds: u.roleIds,
    target: { kind: 'application', appId: data.facts.applications[Math.floor(r() * data.facts.applications.length)]!.appId },
    ipAddress: r() < 0.5 ? '198.51.100.7' : '203.0.113.9',
    devicePlatform: r() < 0.7 ? 'windows' : 'unknown',
    clientAppType: 'browser',
    signInRiskLevel: 'none',
    userRiskLevel: 'none',
    country: 'unknown',
    performed: modes[Math.floor(r() * modes.length)]!.map((m) => ({ ...m, at: new Date().toISOString() })),
    now: Date.now(),
  };
});
data = { ...data, facts: { ...data.facts, users: [] } };
(globalThis as { gc?: () => void }).gc?.();
for (let i = 0; i < 2_000; i++) evaluate(inputs[i % inputs.length]!, compiled, { includeAll: true }); // warm-up
// Wall time per evaluation, in 5 rounds. On a shared machine the wall-clock tail is mostly the
// scheduler (a preempted process waits a whole time slice), so the quietest round is reported too.
const samples: number[] = [];
const roundP99: number[] = [];
const uninterrupted: number[] = [];
const decisions: Record<string, number> = {};
const perRound = Math.ceil(inputs.length / 5);
for (let round = 0; round < 5; round++) {
  const mine: number[] = [];
  for (const input of inputs.slice(round * perRound, (round + 1) * perRound)) {
    const cs = process.resourceUsage().involuntaryContextSwitches;
    const s = performance.now();
    const e = evaluate(input, compiled, { includeAll: true });
    const ms = performance.now() - s;
    mine.push(ms);
    // A sample during which the kernel preempted us measures the machine's other work, not ours.
    if (process.resourceUsage().involuntaryContextSwitches === cs) uninterrupted.push(ms);
    decisions[e.decision.decision] = (decisions[e.decision.decision] ?? 0) + 1;
  }
  samples.push(...mine);
  roundP99.push(summarize(mine).p99);
}
const signIn = summarize(samples);
const signInOwn = summarize(uninterrupted);

// Full lockout analysis with progress.
data = synthesize(SHAPE);
let lastPct = -1;
const t2 = performance.now();
const report = await runAnalysis(
  { facts: data.facts, policies: data.policies, strengths: data.strengths, locations: data.locations },
  (done, total) => {
    const pct = Math.floor((done / total) * 100);
    if (pct !== lastPct && (pct % 10 === 0 || done === total))
      process.stderr.write(`  lockout analysis: ${pct}% (${done}/${total} users)\n`);
    lastPct = pct;
  },
);
const analysisMs = performance.now() - t2;

// The guard on one write: an All-resources policy for one group is made stricter (its grant becomes block).
const target = data.policies.find(
  (p) => p.conditions.applications.includeApplications.includes('All') && p.conditions.users.includeGroups.length,
)!;
const edited = { ...target, grantControls: { ...target.grantControls!, builtInControls: ['block'], authenticationStrength: null } };
const after = data.policies.map((p) => (p.id === target.id ? edited : p));
const t3 = performance.now();
const affected = affectedUsers(
  data.facts.users,
  changedPolicies(data.policies, after, data.strengths, undefined),
  data.strengths,
  data.locations,
);
const guardFacts = { ...data.facts, users: affected };
await runAnalysis({ facts: guardFacts, policies: data.policies, strengths: data.strengths, locations: data.locations });
await runAnalysis({ facts: guardFacts, policies: after, strengths: data.strengths, locations: data.locations });
const guardMs = performance.now() - t3;
const memEnd = process.memoryUsage();

const lines = [
  '# Policy benchmark (Conditional Access evaluation and lockout analysis)',
  '',
  'Produced by `node bench/policy/run.ts` (issue 4). In-process and pure: the directory is synthesized in the',
  "shape `loadDirectoryFacts` returns, so these are the evaluator's and the analysis's costs, not the database's.",
  '',
  ...(await machineLines()),
  '',
  `Shape: ${SHAPE.policies} policies (about 10% All-resources, 5% block from untrusted locations, 2% report-only, 2% disabled, per-app the rest;`,
  `10 custom strengths, one AAGUID-restricted), ${SHAPE.users} users in ${SHAPE.groups} groups nested 5 levels (1–4 direct groups each),`,
  `${SHAPE.apps} apps, 50 Global Administrators and 500 other admins; 60% password, 30% passkey, 10% OATH users.`,
  '',
  '| measurement | result | target |',
  '|---|---|---|',
  `| compile ${SHAPE.policies} policies | ${compileMs.toFixed(1)} ms | once per policy change |`,
  `| one sign-in evaluation, p50 (${signIn.n} samples, every policy's result + decision) | ${(signIn.p50 * 1000).toFixed(0)} µs | |`,
  `| one sign-in evaluation, p99 | ${(signIn.p99 * 1000).toFixed(0)} µs | ≤ 1 ms |`,
  `| one sign-in evaluation, max | ${(signIn.max * 1000).toFixed(0)} µs | |`,
  `| one sign-in evaluation, mean | ${(signIn.mean * 1000).toFixed(0)} µs | |`,
  `| one sign-in evaluation, p50 / p99 / max of the ${signInOwn.n} samples not preempted by the kernel (involuntary context switches unchanged) | ${(signInOwn.p50 * 1000).toFixed(0)} µs / ${(signInOwn.p99 * 1000).toFixed(0)} µs / ${(signInOwn.max * 1000).toFixed(0)} µs | ≤ 1 ms |`,
  `| one sign-in evaluation, p99 of each of 5 rounds (quietest first) | ${[...roundP99]
    .sort((a, b) => a - b)
    .map((x) => `${(x * 1000).toFixed(0)} µs`)
    .join(', ')} | ≤ 1 ms |`,
  `| full lockout analysis: ${report.userCount} users × ${report.targetCount} targets (apps + registration) | ${(analysisMs / 1000).toFixed(1)} s | ≤ 60 s |`,
  `| distinct (policies, registration, methods) signatures evaluated | ${report.evaluatedSignatures} | |`,
  `| lockout guard for one policy edit (${affected.length} affected users analysed twice, before and after) | ${(guardMs / 1000).toFixed(2)} s | |`,
  `| locked-out users found / report-only would lock out | ${report.lockedOutUsers.length} / ${report.reportOnlyWouldLockOut.length} | |`,
  `| heap used after synthesizing the directory | ${mib(memAfterData.heapUsed)} MiB | |`,
  `| RSS at the end / heap used at the end | ${mib(memEnd.rss)} MiB / ${mib(memEnd.heapUsed)} MiB | |`,
  '',
  `Sign-in decisions in the sample: ${Object.entries(decisions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}. Synthesizing the directory took ${(synthMs / 1000).toFixed(1)} s (not counted).`,
  '',
  `Reading the sign-in rows: the wall-clock p99 includes every sample during which the kernel preempted the process (${signIn.n - signInOwn.n} of ${signIn.n}`,
  'here, on a machine shared with other work — see the load average above); each such sample costs a whole scheduler time slice.',
  "The row of samples not preempted is the evaluator's own cost; on an idle machine the two should be close (not measured: no idle machine was available).",
  '',
  'Not included: reading the directory from the database (`loadDirectoryFacts`: six set queries and an in-memory',
  'nesting walk), and the per-sign-in read `evaluateSignIn` does (`readSignInSubject`: groups, roles and per-user MFA in one statement; the policy generation is re-read only after a change is signalled).',
  '',
];
process.stdout.write(lines.join('\n'));
if (SHAPE.users === 100_000 && SHAPE.policies === 1_000)
  writeFileSync(fileURLToPath(new URL('../../docs/benchmarks/policy.md', import.meta.url)), lines.join('\n'));
process.exit(0);
