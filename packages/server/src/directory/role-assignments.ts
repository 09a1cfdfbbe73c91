import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { ApiError, badRequest, conflict, notFound } from '../errors.ts';
import { GUID } from '../odata/filter.ts';
import { ROLE, ROLE_DEFINITIONS, type RoleDefinition } from './roles.ts';
import { findUserRow } from './users-repository.ts';
import { findGroupRow } from './groups-repository.ts';
import {
  countActiveGlobalAdmins,
  deleteRoleAssignmentRow,
  findRoleAssignmentFor,
  findRoleAssignmentRow,
  insertRoleAssignment,
  lockRoleAssignments,
} from './role-assignments-repository.ts';
import { toGraphRoleAssignment, type GraphRoleAssignment } from './shapes.ts';
import { isUniqueViolation } from './audit-values.ts';
import type { RoleAssignmentCreateInput } from './schemas.ts';

/**
 * Directory role assignments (Graph `unifiedRoleAssignment`, G `rbacapplication-post-roleassignments.md`).
 * Principals are users or role-assignable groups; the only scope is the whole directory ("/").
 * The last direct Global Administrator assignment of an enabled user cannot be removed.
 */
export function findRoleDefinition(id: string): RoleDefinition | undefined {
  return ROLE_DEFINITIONS.find((r) => r.id === id.toLowerCase());
}

export function getRoleDefinition(id: string): RoleDefinition {
  const def = findRoleDefinition(id);
  if (!def) throw notFound('unifiedRoleDefinition', id);
  return def;
}

export async function getRoleAssignment(db: Kysely<DB>, id: string): Promise<GraphRoleAssignment> {
  const row = await findRoleAssignmentRow(db, id);
  if (!row) throw notFound('unifiedRoleAssignment', id);
  return toGraphRoleAssignment(row);
}

/** POST roleAssignments: 404 for an unknown principal, 400 for an unknown role or scope, 409 when it exists. */
export async function assignRole(db: Kysely<DB>, ctx: RequestContext, input: RoleAssignmentCreateInput): Promise<GraphRoleAssignment> {
  const scope = input.directoryScopeId ?? '/';
  if (scope !== '/')
    throw badRequest(`directoryScopeId '${scope.slice(0, 100)}' is not supported: Latchkey assigns roles to the whole directory ("/").`);
  const role = findRoleDefinition(input.roleDefinitionId);
  if (!role)
    throw badRequest(
      `roleDefinitionId '${input.roleDefinitionId}' is not a known role template id; see GET /roleManagement/directory/roleDefinitions.`,
    );
  if (!GUID.test(input.principalId)) throw badRequest(`principalId '${input.principalId}' is not a valid GUID.`);
  const principalId = input.principalId.toLowerCase();
  try {
    return await db.transaction().execute(async (trx) => {
      await lockRoleAssignments(trx);
      const user = await findUserRow(trx, principalId);
      const group = user ? undefined : await findGroupRow(trx, principalId);
      if (!user && !group) throw notFound('directoryObject', principalId);
      if (group && !group.is_assignable_to_role)
        throw badRequest('Roles can be assigned only to groups created with isAssignableToRole: true.');
      if (await findRoleAssignmentFor(trx, role.id, principalId, scope))
        throw conflict(`The principal already holds ${role.displayName} at scope "${scope}".`);
      const assignment = await insertRoleAssignment(trx, crypto.randomUUID(), {
        role_template_id: role.id,
        principal_id: principalId,
        principal_type: user ? 'user' : 'group',
        directory_scope_id: scope,
      });
      await recordAudit(trx, ctx, {
        category: 'RoleManagement',
        activity: 'Add member to role',
        operationType: 'Assign',
        targets: [
          { id: role.id, type: 'Role', displayName: role.displayName },
          user
            ? { id: user.id, type: 'User', displayName: user.display_name, userPrincipalName: user.user_principal_name }
            : { id: group!.id, type: 'Group', displayName: group!.display_name },
        ],
        details: { roleAssignmentId: assignment.id, directoryScopeId: scope },
      });
      return assignment;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`The principal already holds ${role.displayName} at scope "${scope}".`);
    throw err;
  }
}

/** DELETE roleAssignments/{id}: 404 when unknown; 400 for the last enabled Global Administrator. */
export async function unassignRole(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockRoleAssignments(trx);
    const row = await findRoleAssignmentRow(trx, id);
    if (!row) throw notFound('unifiedRoleAssignment', id);
    if (row.role_template_id === ROLE.globalAdministrator) {
      const before = await countActiveGlobalAdmins(trx);
      if (before > 0 && (await countActiveGlobalAdmins(trx, { exceptAssignmentId: row.id })) === 0) {
        throw new ApiError(
          'Request_BadRequest',
          'Cannot remove the last Global Administrator assignment of an enabled user; assign Global Administrator to another enabled user first.',
        );
      }
    }
    await deleteRoleAssignmentRow(trx, row.id);
    const role = findRoleDefinition(row.role_template_id);
    await recordAudit(trx, ctx, {
      category: 'RoleManagement',
      activity: 'Remove member from role',
      operationType: 'Unassign',
      targets: [
        { id: row.role_template_id, type: 'Role', displayName: role?.displayName ?? null },
        { id: row.principal_id, type: row.principal_type === 'group' ? 'Group' : 'User' },
      ],
      details: { roleAssignmentId: row.id, directoryScopeId: row.directory_scope_id },
    });
  });
}
