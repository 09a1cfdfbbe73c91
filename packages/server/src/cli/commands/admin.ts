import type { Command } from 'commander';
import type { CliContext } from '../main.ts';
import type { AdminTokenArgs } from '../../oidc/admin-token-op.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `latchkey admin token [--scope "A B"] [--role <role>]… [--upn <upn>]` prints only a
 * short-lived admin-API bearer token on stdout, for scripts:
 *   curl -H "Authorization: Bearer $(npx latchkey admin token)" …/api/v1/users
 */
export function registerAdminCommands(program: Command, ctx: CliContext): void {
  const admin = program.command('admin').description('Administrator tools.');
  admin
    .command('token')
    .description('Print a short-lived admin-API bearer token (Global Administrator by default) on stdout, nothing else.')
    .option('--scope <scopes>', 'space-separated Graph permissions to narrow the token to (default: all; roles then decide)')
    .option('--role <role>', "directory role name or template id; repeat for several (default: the user's own roles)", collect)
    .option('--upn <userPrincipalName>', 'the user the token speaks for (default: the first Global Administrator)')
    .option('--json', 'print {accessToken, expiresIn, tokenType} as JSON instead')
    .addHelpText(
      'after',
      '\nThe token lives LATCHKEY_ADMIN_TOKEN_TTL_SECONDS (default 900 s). Works beside a running server (through its control socket) and without one.',
    )
    .action(async (o: { scope?: string; role?: string[]; upn?: string; json?: boolean }) => {
      const args: AdminTokenArgs = {
        ...(o.scope !== undefined ? { scopes: o.scope.split(/[\s,]+/).filter(Boolean) } : {}),
        ...(o.role ? { roles: o.role } : {}),
        ...(o.upn ? { userPrincipalName: o.upn } : {}),
      };
      const r = await ctx.invoke<{ accessToken: string; expiresIn: number; tokenType: string }>('admin.token', args);
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : r.accessToken + '\n');
    });
}
