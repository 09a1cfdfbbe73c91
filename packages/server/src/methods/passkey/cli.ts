import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../cli/main.ts';
import { printJson, printRows } from '../../cli/output.ts';
import type { Fido2AuthenticationMethod } from './fido2-methods.ts';
import type { MetadataImportResult } from './metadata/import.ts';
import type { TrustAnchor } from './metadata/trust-anchors.ts';

/**
 * `latchkey passkeys list <user> | delete <user> <methodId> | metadata import <file> | metadata show |
 *  anchors list | anchors add <pem-file> | anchors remove <id>` — the same domain code as the
 * admin API (docs/passkeys.md).
 */
export function registerPasskeyCommands(program: Command, ctx: CliContext): void {
  const cmd = program.command('passkeys').description("Users' passkeys, FIDO metadata (MDS3) and attestation trust anchors.");

  cmd
    .command('list <user>')
    .description("List a user's passkeys (id or userPrincipalName).")
    .option('--json', 'print Graph-shaped JSON')
    .action(async (user: string, o: { json?: boolean }) => {
      const rows = await ctx.invoke<Fido2AuthenticationMethod[]>('passkeys.list', { user });
      printRows(rows as unknown as Array<Record<string, unknown>>, ['id', 'displayName', 'model', 'passkeyType', 'attestationLevel', 'createdDateTime', 'lastUsedDateTime'], !!o.json);
    });

  cmd
    .command('delete <user> <methodId>')
    .description("Delete one of a user's passkeys (audited).")
    .action(async (user: string, methodId: string) => {
      await ctx.invoke('passkeys.delete', { user, methodId });
      process.stdout.write(`deleted ${methodId}\n`);
    });

  const metadata = cmd.command('metadata').description('FIDO Metadata Service (MDS3) BLOB: import the file you downloaded from https://mds3.fidoalliance.org.');
  metadata
    .command('import <file>')
    .description('Verify and import an MDS3 BLOB file (signature chain to the FIDO root or a metadata trust anchor). No network access.')
    .action(async (file: string) => printJson(await ctx.invoke<MetadataImportResult>('passkeys.metadata.import', { file: resolve(file) })));
  metadata
    .command('show')
    .description('Show the last import.')
    .action(async () => printJson(await ctx.invoke('passkeys.metadata.show', {})));

  const anchors = cmd.command('anchors').description('Custom trust anchors: roots for attestation chains or MDS BLOB signers.');
  anchors
    .command('list')
    .option('--usage <usage>', 'attestation | metadata')
    .option('--json', 'print JSON')
    .action(async (o: { usage?: string; json?: boolean }) => {
      const rows = await ctx.invoke<TrustAnchor[]>('passkeys.anchors.list', o.usage ? { usage: o.usage } : {});
      printRows(rows.map(({ certificatePem: _pem, ...r }) => r), ['id', 'usage', 'displayName', 'subject', 'notAfter'], !!o.json);
    });
  anchors
    .command('add <pemFile>')
    .description('Add a CA certificate (PEM file) as a trust anchor.')
    .requiredOption('--name <displayName>', 'a name for the console')
    .option('--usage <usage>', 'attestation (default) | metadata', 'attestation')
    .action(async (pemFile: string, o: { name: string; usage: string }) => {
      const certificatePem = readFileSync(resolve(pemFile), 'utf8');
      const a = await ctx.invoke<TrustAnchor>('passkeys.anchors.add', { displayName: o.name, certificatePem, usage: o.usage });
      process.stdout.write(`${a.id}\t${a.usage}\t${a.subject}\n`);
    });
  anchors
    .command('remove <id>')
    .description('Remove a trust anchor (audited).')
    .action(async (id: string) => {
      await ctx.invoke('passkeys.anchors.remove', { id });
      process.stdout.write(`deleted ${id}\n`);
    });
}
