import type { Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson, printRows } from '../output.ts';
import type { KeyInfo } from '../../oidc/keys-ops.ts';

/** `latchkey keys list | rotate | retire <kid>`: the OIDC token signing keys. */
export function registerKeysCommands(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('OIDC token signing keys (private halves are stored encrypted with the master key).');
  keys
    .command('list')
    .description('List signing keys, newest first; "signing" marks the key each algorithm signs with.')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const rows = await ctx.invoke<KeyInfo[]>('keys.list');
      printRows(
        rows as unknown as Array<Record<string, unknown>>,
        ['kid', 'alg', 'status', 'signing', 'createdAt', 'retiredAt'],
        Boolean(o.json),
      );
    });
  keys
    .command('rotate')
    .description('Add a new signing key per algorithm. Older keys keep verifying existing tokens until you retire them.')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await ctx.invoke<{ added: string[] }>('keys.rotate');
      if (o.json) printJson(r);
      else
        process.stdout.write(
          `new signing keys: ${r.added.join(', ')}\nretire the previous keys with \`latchkey keys retire <kid>\` once their tokens have expired.\n`,
        );
    });
  keys
    .command('retire <kid>')
    .description('Stop publishing and accepting a key that no longer signs (tokens it signed stop working).')
    .action(async (kid: string) => {
      const r = await ctx.invoke<{ retired: string }>('keys.retire', { kid });
      process.stdout.write(`retired ${r.retired}\n`);
    });
}
