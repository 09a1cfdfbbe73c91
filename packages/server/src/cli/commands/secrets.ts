import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson } from '../output.ts';
import { withProgress } from '../progress.ts';
import type { RewrapResult, SealedSecretsStatus } from '../../secrets/rewrap.ts';
import { REWRAP_BATCH_MAX, type SecretsRewrapArgs } from '../../secrets/ops.ts';

/** Thrown after the report is printed, so `latchkey secrets rewrap` exits 1 when secrets stay under a previous key. */
export class RewrapIncompleteError extends Error {
  override name = 'RewrapIncompleteError';
}

const batchSize = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > REWRAP_BATCH_MAX) throw new InvalidArgumentError(`a whole number from 1 to ${REWRAP_BATCH_MAX}`);
  return n;
};

/** The status as a person reads it: one line per column and master key, then what to do next. */
function describeStatus(s: SealedSecretsStatus): string {
  const role = (id: string) => (id === s.currentKeyId ? 'current' : s.unknownKeyIds.includes(id) ? 'NOT CONFIGURED' : 'previous');
  const lines = [`current master key: ${s.currentKeyId}${s.previousKeyIds.length ? `; previous: ${s.previousKeyIds.join(', ')}` : ''}`];
  for (const c of s.columns) {
    const entries = Object.entries(c.byKeyId);
    if (!entries.length) lines.push(`  ${c.label}: none`);
    for (const [id, n] of entries) lines.push(`  ${c.label}: ${n} under ${id} (${role(id)})`);
  }
  if (s.underUnknown) lines.push(`${s.underUnknown} secret(s) are sealed with a master key that is not configured: they cannot be opened. Add that key to LATCHKEY_PREVIOUS_MASTER_KEYS.`);
  if (s.underPrevious) lines.push(`${s.underPrevious} secret(s) are still under a previous master key: run \`latchkey secrets rewrap\`.`);
  else if (s.previousKeyIds.length && !s.underUnknown) lines.push('Nothing is sealed with a previous master key any more: LATCHKEY_PREVIOUS_MASTER_KEYS can be removed.');
  return lines.join('\n') + '\n';
}

/** `latchkey secrets status | rewrap`: master key rotation (ADR 0020, docs/security.md). */
export function registerSecretsCommands(program: Command, ctx: CliContext): void {
  const secrets = program
    .command('secrets')
    .description('Secrets sealed with the master key (signing keys, OATH seeds): which master key holds them, and rewrapping after a rotation.');
  secrets
    .command('status')
    .description('Count the sealed secrets under each master key (current, previous, or not configured).')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const s = await ctx.invoke<SealedSecretsStatus>('secrets.status');
      if (o.json) printJson(s);
      else process.stdout.write(describeStatus(s));
    });
  secrets
    .command('rewrap')
    .description(
      'Rewrap every secret sealed with a previous master key (LATCHKEY_PREVIOUS_MASTER_KEYS) under the current one. Safe to repeat or interrupt. Exits 1 when secrets remain under a previous key.',
    )
    .option('--batch <n>', `secrets per transaction (1-${REWRAP_BATCH_MAX}, default 200)`, batchSize)
    .option('--json', 'print JSON')
    .action(async (o: { batch?: number; json?: boolean }) => {
      const r = await withProgress('rewrapping secrets [{bar}] {value}/{total}', o, (onProgress) => {
        const args: SecretsRewrapArgs = { ...(o.batch ? { batch: o.batch } : {}), ...(onProgress ? { onProgress } : {}) };
        return ctx.invoke<RewrapResult>('secrets.rewrap', args as Record<string, unknown>);
      });
      if (o.json) printJson(r);
      else {
        process.stdout.write(`rewrapped ${r.rewrapped} secret(s) under the current master key\n`);
        for (const f of r.failed) process.stdout.write(`  not rewrapped: ${f.table} ${f.id}: ${f.reason}\n`);
        if (!r.remaining) process.stdout.write('Nothing is sealed with a previous master key any more: LATCHKEY_PREVIOUS_MASTER_KEYS can be removed.\n');
      }
      if (r.remaining) throw new RewrapIncompleteError(`${r.remaining} secret(s) remain under a previous master key`);
    });
}
