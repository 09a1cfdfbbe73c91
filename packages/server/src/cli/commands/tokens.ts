import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson, printRows } from '../output.ts';
import type { ImportProgress, ImportResult } from '../../methods/oath/importHardwareTokens.ts';
import type { HardwareOathDevice } from '../../methods/oath/shapes.ts';
import type { TokensImportArgs } from './tokens-ops.ts';

/** Thrown after the issues are printed, so `latchkey tokens import` exits 1 when nothing was imported. */
export class ImportRefusedError extends Error {
  override name = 'ImportRefusedError';
}

/**
 * `latchkey tokens import FILE [--format csv|pskc] [--psk HEX] [--partial] | list | assign | unassign`
 * — hardware OATH tokens, the same domain code as the admin API (docs/oath.md).
 */
export function registerTokensCommands(program: Command, ctx: CliContext): void {
  const tokens = program.command('tokens').description('Hardware OATH tokens: bulk import (Entra CSV, PSKC), inventory, assignment.');

  tokens
    .command('import <file>')
    .description(
      'Import hardware tokens from an Entra CSV (upn,serial number,secret key,time interval,manufacturer,model) or a PSKC (RFC 6030) file. The whole file is checked first; a file with problems imports nothing unless --partial.',
    )
    .option('--format <format>', 'csv | pskc (default: guessed from the content)', (v: string) => {
      if (v !== 'csv' && v !== 'pskc') throw new InvalidArgumentError('csv or pskc');
      return v;
    })
    .option('--psk <hex>', 'PSKC pre-shared key (32 hex digits, AES-128) for encrypted files')
    .option('--partial', 'import the good rows of a file that has bad ones')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { format?: 'csv' | 'pskc'; psk?: string; partial?: boolean; json?: boolean }) => {
      // A bar on a terminal; plain progress lines when stderr is a file or pipe (CI logs).
      const tty = !!process.stderr.isTTY;
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: '{phase} [{bar}] {value}/{total} tokens', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      const onProgress = (p: ImportProgress) => {
        const phase = p.phase === 'validate' ? 'checking ' : 'importing';
        if (!tty) return void process.stderr.write(`${phase} ${p.done}/${p.total} tokens\n`);
        if (!started) bar.start(p.total, p.done, { phase });
        started = true;
        bar.setTotal(p.total);
        bar.update(p.done, { phase });
      };
      const args: TokensImportArgs = {
        file: resolve(file),
        ...(o.format ? { format: o.format } : {}),
        ...(o.psk ? { psk: o.psk } : {}),
        partial: !!o.partial,
        onProgress,
      };
      let r: ImportResult;
      try {
        r = await ctx.invoke<ImportResult>('tokens.import', args as unknown as Record<string, unknown>);
      } finally {
        if (started) bar.stop();
      }
      if (o.json) printJson(r);
      else {
        for (const i of r.issues) process.stderr.write(`line ${i.line}${i.serialNumber ? ` (${i.serialNumber})` : ''}: ${i.reason}\n`);
        process.stdout.write(`${r.format}: ${r.imported} imported (${r.assigned} assigned), ${r.issues.length} problem(s)\n`);
      }
      if (!r.ok) throw new ImportRefusedError(`nothing imported: the file has ${r.issues.length} problem(s); fix them or pass --partial`);
    });

  tokens
    .command('list')
    .description('List hardware tokens (secrets are never shown).')
    .option('--top <n>', 'how many (default 100)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
      return n;
    })
    .option('--json', 'print Graph-shaped JSON')
    .action(async (o: { top?: number; json?: boolean }) => {
      const rows = await ctx.invoke<HardwareOathDevice[]>('tokens.list', o.top ? { top: o.top } : {});
      printRows(
        rows.map((d) => ({ ...d, assignedTo: d.assignedTo?.displayName ?? d.assignedTo?.id ?? '' })),
        ['id', 'serialNumber', 'manufacturer', 'model', 'status', 'assignedTo'],
        !!o.json,
      );
    });

  tokens
    .command('assign <token> <user>')
    .description('Assign a token (id or serial number) to a user (id or userPrincipalName).')
    .action(async (token: string, user: string) => {
      const d = await ctx.invoke<HardwareOathDevice>('tokens.assign', { token, user });
      process.stdout.write(`${d.serialNumber}\t${d.status}\t${d.assignedTo?.id ?? ''}\n`);
    });

  tokens
    .command('unassign <token>')
    .description('Unassign a token (id or serial number); it returns to the inventory as available.')
    .action(async (token: string) => {
      const d = await ctx.invoke<HardwareOathDevice>('tokens.unassign', { token });
      process.stdout.write(`${d.serialNumber}\t${d.status}\n`);
    });
}
