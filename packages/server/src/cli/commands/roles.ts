import type { Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson, printRows } from '../output.ts';
import type { RoleDefinition } from '../../directory/roles.ts';
import type { GraphRoleAssignment } from '../../directory/shapes.ts';
import type { RoleAssignmentRow } from './roles-ops.ts';

/** `latchkey roles list | assign | unassign`: directory roles by name ("Global Reader") or template id. */
export function registerRoleCommands(program: Command, ctx: CliContext): void {
  const roles = program.command('roles').description('Directory roles (Entra role template ids) and their assignments.');

  roles
    .command('list')
    .description("List role assignments (all, or one principal's); with --definitions, the built-in roles.")
    .option('--principal <user-or-group>', 'a user (UPN or id) or a group (id or name)')
    .option('--definitions', 'list the built-in role definitions instead')
    .option('--json', 'print JSON')
    .action(async (o: { principal?: string; definitions?: boolean; json?: boolean }) => {
      if (o.definitions) {
        const defs = await ctx.invoke<RoleDefinition[]>('roles.definitions');
        return printRows(defs as unknown as Array<Record<string, unknown>>, ['id', 'displayName', 'isPrivileged'], Boolean(o.json));
      }
      const rows = await ctx.invoke<RoleAssignmentRow[]>('roles.list', o.principal ? { principal: o.principal } : {});
      printRows(
        rows as unknown as Array<Record<string, unknown>>,
        ['id', 'roleDisplayName', 'principalId', 'directoryScopeId'],
        Boolean(o.json),
      );
    });

  roles
    .command('assign <principal> <role>')
    .description('Assign a role ("Global Reader" or a template id) to a user (UPN or id) or a role-assignable group.')
    .option('--json', 'print JSON')
    .action(async (principal: string, role: string, o: { json?: boolean }) => {
      const r = await ctx.invoke<GraphRoleAssignment>('roles.assign', { principal, role });
      if (o.json) printJson(r);
      else process.stdout.write(`assigned ${role} to ${principal} (assignment ${r.id})\n`);
    });

  roles
    .command('unassign <principal> <role>')
    .description('Remove a role assignment. The last enabled Global Administrator cannot be removed.')
    .option('--json', 'print JSON')
    .action(async (principal: string, role: string, o: { json?: boolean }) => {
      const r = await ctx.invoke<{ removed: string }>('roles.unassign', { principal, role });
      if (o.json) printJson(r);
      else process.stdout.write(`removed ${role} from ${principal}\n`);
    });
}
