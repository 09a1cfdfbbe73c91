import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson, printRows } from '../output.ts';
import type { GraphUser } from '../../directory/shapes.ts';
import type { ListResult } from './users-ops.ts';

/**
 * `latchkey users list | create | show | disable | enable | delete`. Each runs the same domain code
 * as the admin API (audit entries included), in-process or through a running server's control socket.
 */
export function registerUserCommands(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('Manage directory users (Graph-shaped, like /api/v1/users).');

  users
    .command('list')
    .description('List users, one page at a time (ordered by id).')
    .option('--top <n>', 'page size (1-999, default 100)', topOption)
    .option('--filter <expr>', 'OData $filter, e.g. "startswith(displayName,\'Ann\') and accountEnabled eq true"')
    .option('--skip-token <token>', 'continue from the token printed after the previous page')
    .option('--count', 'print the total number of matches')
    .option('--json', 'print JSON')
    .action(async (o: ListOptions) => {
      const page = await ctx.invoke<ListResult<GraphUser>>('users.list', listArgs(o));
      if (o.json) return printJson(page);
      printRows(
        page.value as unknown as Array<Record<string, unknown>>,
        ['id', 'userPrincipalName', 'displayName', 'accountEnabled'],
        false,
      );
      printFooter(page);
    });

  users
    .command('create')
    .description('Create a user.')
    .requiredOption('--upn <userPrincipalName>', 'sign-in name, alias@domain (unique, case-insensitive)')
    .requiredOption('--name <displayName>', 'display name')
    .option('--mail <address>', 'email address')
    .option('--given-name <name>', 'given name')
    .option('--surname <name>', 'surname')
    .option('--job-title <title>', 'job title')
    .option('--department <name>', 'department')
    .option('--disabled', 'create with sign-in disabled')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        upn: string;
        name: string;
        mail?: string;
        givenName?: string;
        surname?: string;
        jobTitle?: string;
        department?: string;
        disabled?: boolean;
        json?: boolean;
      }) => {
        const user = await ctx.invoke<GraphUser>('users.create', {
          userPrincipalName: o.upn,
          displayName: o.name,
          ...(o.mail ? { mail: o.mail } : {}),
          ...(o.givenName ? { givenName: o.givenName } : {}),
          ...(o.surname ? { surname: o.surname } : {}),
          ...(o.jobTitle ? { jobTitle: o.jobTitle } : {}),
          ...(o.department ? { department: o.department } : {}),
          ...(o.disabled ? { accountEnabled: false } : {}),
        });
        if (o.json) printJson(user);
        else process.stdout.write(`created ${user.userPrincipalName} (${user.id})\n`);
      },
    );

  users
    .command('show <user>')
    .description('Show one user by id or userPrincipalName.')
    .option('--json', 'print JSON')
    .action(async (user: string, o: { json?: boolean }) => {
      const u = await ctx.invoke<GraphUser>('users.show', { user });
      if (o.json) printJson(u);
      else for (const [k, v] of Object.entries(u)) process.stdout.write(`${k.padEnd(18)} ${v ?? ''}\n`);
    });

  for (const [verb, description] of [
    [
      'disable',
      'Disable sign-in (accountEnabled false); memberships and roles stay. The last enabled Global Administrator cannot be disabled.',
    ],
    ['enable', 'Enable sign-in again.'],
    ['delete', 'Delete a user with its memberships and role assignments.'],
  ] as const) {
    users
      .command(`${verb} <user>`)
      .description(description)
      .option('--json', 'print JSON')
      .action(async (user: string, o: { json?: boolean }) => {
        const r = await ctx.invoke<GraphUser | { deleted: string }>(`users.${verb}`, { user });
        if (o.json) printJson(r);
        else process.stdout.write(`${verb === 'delete' ? 'deleted' : `${verb}d`} ${user}\n`);
      });
  }
}

export interface ListOptions {
  top?: number;
  filter?: string;
  skipToken?: string;
  count?: boolean;
  json?: boolean;
}

export function listArgs(o: ListOptions): Record<string, unknown> {
  return {
    ...(o.top ? { top: o.top } : {}),
    ...(o.filter !== undefined ? { filter: o.filter } : {}),
    ...(o.skipToken ? { skipToken: o.skipToken } : {}),
    ...(o.count ? { count: true } : {}),
  };
}

export function printFooter(page: ListResult<unknown>): void {
  if (page.count !== undefined) process.stdout.write(`total: ${page.count}\n`);
  if (page.nextSkipToken) process.stdout.write(`more: --skip-token ${page.nextSkipToken}\n`);
}

export function topOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new InvalidArgumentError('must be an integer from 1 to 999');
  return n;
}
