import type { Kysely } from 'kysely';
import type { DB } from '../../packages/server/src/store/schema.ts';
import type { Envelope } from '../../packages/server/src/secrets/envelope.ts';
import { verifyOathCode } from '../../packages/server/src/methods/oath/verifyOathCode.ts';
import { microBatchTotals } from '../../packages/server/src/store/micro-batch.ts';
import { hotp } from '../../packages/server/src/methods/oath/hotp.ts';
import { base32Decode } from '../../packages/server/src/methods/oath/base32.ts';
import { timeStep } from '../../packages/server/src/methods/oath/totp.ts';

/**
 * `verifyOathCode` called in this process against the database (no HTTP, no token check):
 * one state read and one conditional replay-state write per accepted code, each gathered with
 * the concurrent checks into one statement (ADR 0013). Separates the database's share from the
 * HTTP stack's.
 */
export async function verifyInProcessWithDb(
  db: Kysely<DB>,
  envelope: Envelope,
  users: Array<{ id: string; secret: string }>,
  concurrency: number,
): Promise<{ perSecond: number; ok: number; cpuUs: number; batches: string }> {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= users.length) return;
      const u = users[i]!;
      const r = await verifyOathCode({ db, envelope, userId: u.id, code: hotp(base32Decode(u.secret)!, timeStep(Date.now(), 30)) });
      if (r.ok) ok++;
    }
  };
  const totals = () => ({ read: { ...microBatchTotals().get('oath_check_read')! }, accept: { ...microBatchTotals().get('oath_check_accept')! } });
  const before = totals();
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpu0);
  const after = totals();
  const mean = (k: 'read' | 'accept') => ((after[k].items - before[k].items) / Math.max(1, after[k].batches - before[k].batches)).toFixed(1);
  return { perSecond: users.length / ((performance.now() - t) / 1000), ok, cpuUs: (cpu.user + cpu.system) / users.length, batches: `read ${mean('read')}, write ${mean('accept')}` };
}
