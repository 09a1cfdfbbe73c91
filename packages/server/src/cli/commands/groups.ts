import type { Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson, printRows } from '../output.ts';
import type { DirectoryObject, GraphGroup } from '../../directory/shapes.ts';
import type { ListResult } from './users-ops.ts';
import { listArgs, printFooter, topOption, type ListOptions } from './users.ts';

/** `latchkey groups list | create | add-member | remove-member | members`. Groups by id or display name. */
export function registerGroupCommands(program: Command, ctx: CliContext): void {
  const groups = program.command('groups').description('Manage security groups and their (nested) members.');

  groups
    .command('list')
    .description('List groups, one page at a time.')
    .option('--top <n>', 'page size (1-999, default 100)', topOption)
    .option('--filter <expr>', 'OData $filter, e.g. "startswith(displayName,\'Sales\')"')
    .option('--skip-token <token>', 'continue from the token printed after the previous page')
    .option('--count', 'print the total number of matches')
    .option('--json', 'print JSON')
    .action(async (o: ListOptions) => {
      const page = await ctx.invoke<ListResult<GraphGroup>>('groups.list', listArgs(o));
      if (o.json) return printJson(page);
      printRows(
        page.value as unknown as Array<Record<string, unknown>>,
        ['id', 'displayName', 'mailNickname', 'isAssignableToRole'],
        false,
      );
      printFooter(page);
    });

  groups
    .command('create')
    .description('Create a security group.')
    .requiredOption('--name <displayName>', 'display name')
    .option('--nickname <mailNickname>', 'mail nickname (default: derived from the name)')
    .option('--description <text>', 'description')
    .option('--role-assignable', 'allow directory roles to be assigned to the group (it then cannot contain groups)')
    .option('--json', 'print JSON')
    .action(async (o: { name: string; nickname?: string; description?: string; roleAssignable?: boolean; json?: boolean }) => {
      const g = await ctx.invoke<GraphGroup>('groups.create', {
        displayName: o.name,
        ...(o.nickname ? { mailNickname: o.nickname } : {}),
        ...(o.description ? { description: o.description } : {}),
        ...(o.roleAssignable ? { isAssignableToRole: true } : {}),
      });
      if (o.json) printJson(g);
      else process.stdout.write(`created group ${g.displayName} (${g.id})\n`);
    });

  groups
    .command('add-member <group> <member>')
    .description('Add a member: a user (UPN or id) or a group (id or name). Nested groups are allowed.')
    .option('--json', 'print JSON')
    .action(async (group: string, member: string, o: { json?: boolean }) => {
      const r = await ctx.invoke<{ group: string; member: string; type: string }>('groups.addMember', { group, member });
      if (o.json) printJson(r);
      else process.stdout.write(`added ${r.type} ${member} to ${group}\n`);
    });

  groups
    .command('remove-member <group> <member>')
    .description('Remove a direct member.')
    .option('--json', 'print JSON')
    .action(async (group: string, member: string, o: { json?: boolean }) => {
      const r = await ctx.invoke<{ group: string; member: string }>('groups.removeMember', { group, member });
      if (o.json) printJson(r);
      else process.stdout.write(`removed ${member} from ${group}\n`);
    });

  groups
    .command('members <group>')
    .description('List direct members, or with --transitive everyone reached through nested groups.')
    .option('--transitive', 'include members of nested groups (cycles are fine)')
    .option('--top <n>', 'page size (1-999, default 100)', topOption)
    .option('--skip-token <token>', 'continue from the token printed after the previous page')
    .option('--count', 'print the total number of members')
    .option('--json', 'print JSON')
    .action(async (group: string, o: ListOptions & { transitive?: boolean }) => {
      const page = await ctx.invoke<ListResult<DirectoryObject>>('groups.members', {
        group,
        ...listArgs(o),
        ...(o.transitive ? { transitive: true } : {}),
      });
      if (o.json) return printJson(page);
      const rows = page.value.map((m) => ({
        id: m.id,
        type: m['@odata.type'] === '#microsoft.graph.user' ? 'user' : 'group',
        name: 'userPrincipalName' in m ? m.userPrincipalName : m.displayName,
      }));
      printRows(rows, ['id', 'type', 'name'], false);
      printFooter(page);
    });
}
