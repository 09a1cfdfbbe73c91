import { z } from 'zod';
import { defineOp } from '../ops.ts';
import { systemContext } from '../../auth/principal.ts';
import { ApiError, notFound } from '../../errors.ts';
import { ROLE_DEFINITIONS, roleByNameOrId, type RoleDefinition } from '../../directory/roles.ts';
import { assignRole, unassignRole } from '../../directory/role-assignments.ts';
import { findRoleAssignmentFor, listRoleAssignments } from '../../directory/role-assignments-repository.ts';
import { resolveDirectoryObject } from '../../directory/resolve.ts';
import { parseFilter } from '../../odata/filter.ts';
import { ROLE_ASSIGNMENTS_RESOURCE } from '../../directory/filters.ts';
import type { GraphRoleAssignment } from '../../directory/shapes.ts';
import { argsOf } from './users-ops.ts';

const AssignArgs = z.object({ principal: z.string().min(1).max(320), role: z.string().min(1).max(100) });
const ListArgs = z.object({ principal: z.string().min(1).max(320).optional() });

function role(nameOrId: string): RoleDefinition {
  const def = roleByNameOrId(nameOrId);
  if (!def)
    throw new ApiError(
      'Request_BadRequest',
      `Unknown role '${nameOrId}'. Known: ${ROLE_DEFINITIONS.map((r) => r.displayName).join(', ')}.`,
    );
  return def;
}

export interface RoleAssignmentRow extends GraphRoleAssignment {
  roleDisplayName: string;
}

export const rolesDefinitionsOp = defineOp<Record<string, never>, RoleDefinition[]>({
  name: 'roles.definitions',
  run: async () => [...ROLE_DEFINITIONS],
});

/** `roles.list`: every assignment (up to 999), or a principal's. */
export const rolesListOp = defineOp<z.infer<typeof ListArgs>, RoleAssignmentRow[]>({
  name: 'roles.list',
  async run(rt, raw) {
    const args = argsOf(ListArgs, raw);
    const filter = args.principal
      ? parseFilter(
          `principalId eq '${(await resolveDirectoryObject(rt.store.db, args.principal)).id}'`,
          ROLE_ASSIGNMENTS_RESOURCE.filterable,
          'roleAssignments',
        )
      : undefined;
    const page = await listRoleAssignments(rt.store.db, { top: 999, filter });
    return page.items.map((a) => ({
      ...a,
      roleDisplayName: ROLE_DEFINITIONS.find((r) => r.id === a.roleDefinitionId)?.displayName ?? a.roleDefinitionId,
    }));
  },
});

/** `roles.assign`: principal is a user (UPN or id) or a role-assignable group (id or name); role by name or template id. */
export const rolesAssignOp = defineOp<z.infer<typeof AssignArgs>, GraphRoleAssignment>({
  name: 'roles.assign',
  async run(rt, raw) {
    const args = argsOf(AssignArgs, raw);
    const def = role(args.role);
    const principal = await resolveDirectoryObject(rt.store.db, args.principal);
    return assignRole(rt.store.db, systemContext(), { principalId: principal.id, roleDefinitionId: def.id, directoryScopeId: '/' });
  },
});

/** `roles.unassign`: refuses to remove the last enabled Global Administrator. */
export const rolesUnassignOp = defineOp<z.infer<typeof AssignArgs>, { removed: string }>({
  name: 'roles.unassign',
  async run(rt, raw) {
    const args = argsOf(AssignArgs, raw);
    const def = role(args.role);
    const principal = await resolveDirectoryObject(rt.store.db, args.principal);
    const row = await findRoleAssignmentFor(rt.store.db, def.id, principal.id, '/');
    if (!row) throw notFound('unifiedRoleAssignment', `${def.displayName} for ${args.principal}`);
    await unassignRole(rt.store.db, systemContext(), row.id);
    return { removed: row.id };
  },
});
