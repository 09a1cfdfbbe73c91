import type { Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson } from '../output.ts';

/**
 * `latchkey sessions revoke <user>`: the same as `POST /api/v1/users/{id}/revokeSignInSessions`
 * (audited), in-process or through a running server's control socket.
 */
export function registerSessionCommands(program: Command, ctx: CliContext): void {
  const sessions = program.command('sessions').description('Sign-in sessions and refresh tokens (ADR 0017).');
  sessions
    .command('revoke <user>')
    .description("Revoke a user's refresh tokens and SSO sessions (by id or userPrincipalName): apps must sign the user in again.")
    .option('--json', 'print JSON')
    .action(async (user: string, o: { json?: boolean }) => {
      const r = await ctx.invoke<{ user: string; signInSessionsValidFromDateTime: string }>('sessions.revoke', { user });
      if (o.json) printJson(r);
      else process.stdout.write(`revoked sessions of ${user} (signInSessionsValidFromDateTime ${r.signInSessionsValidFromDateTime})\n`);
    });
}
