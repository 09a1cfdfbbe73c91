import { sql, type Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { GUID } from '../odata/filter.ts';
import type { Page } from '../odata/response.ts';
import { ROLE } from './roles.ts';
import { ROLE_ASSIGNMENTS_RESOURCE } from './filters.ts';
import { toGraphRoleAssignment, type GraphRoleAssignment, type RoleAssignmentRow } from './shapes.ts';
import type { ListOptions } from './users-repository.ts';
import { listByIdKeyset } from './id-keyset.ts';
import { transitiveGroupIdsOfUser } from './membership-repository.ts';

export interface RoleAssignmentValues {
  role_template_id: string;
  principal_id: string;
  principal_type: 'user' | 'group' | 'servicePrincipal';
  directory_scope_id: string;
}

/** Serialises role writes, so the last-Global-Administrator check cannot race (two removals at once). */
const ROLE_LOCK_KEY = 7_460_902;

export async function lockRoleAssignments(db: Kysely<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ROLE_LOCK_KEY})`.execute(db);
}

export async function insertRoleAssignment(db: Kysely<DB>, id: string, v: RoleAssignmentValues): Promise<GraphRoleAssignment> {
  const row = await db
    .insertInto('role_assignments')
    .values({ id, ...v, created_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toGraphRoleAssignment(row);
}

export async function findRoleAssignmentRow(db: Kysely<DB>, id: string): Promise<RoleAssignmentRow | undefined> {
  if (!GUID.test(id)) return undefined;
  return db.selectFrom('role_assignments').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
}

export async function findRoleAssignmentFor(
  db: Kysely<DB>,
  roleTemplateId: string,
  principalId: string,
  scope: string,
): Promise<RoleAssignmentRow | undefined> {
  return db
    .selectFrom('role_assignments')
    .selectAll()
    .where('role_template_id', '=', roleTemplateId)
    .where('principal_id', '=', principalId)
    .where('directory_scope_id', '=', scope)
    .executeTakeFirst();
}

export async function deleteRoleAssignmentRow(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('id', '=', id).execute();
}

export async function listRoleAssignments(db: Kysely<DB>, o: ListOptions): Promise<Page<GraphRoleAssignment>> {
  return listByIdKeyset(db, 'role_assignments', ROLE_ASSIGNMENTS_RESOURCE.filterable, o, toGraphRoleAssignment);
}

/**
 * How many Global Administrator assignments keep the tenant manageable: direct assignments to
 * enabled users, leaving out `exceptUserId` (the user about to be disabled or deleted) and
 * `exceptAssignmentId` (the assignment about to be removed). Group-assigned GA does not count.
 */
export async function countActiveGlobalAdmins(
  db: Kysely<DB>,
  o: { exceptUserId?: string; exceptAssignmentId?: string } = {},
): Promise<number> {
  let q = db
    .selectFrom('role_assignments')
    .innerJoin('users', 'users.id', 'role_assignments.principal_id')
    .select((eb) => eb.fn.count<string | number>('users.id').distinct().as('n'))
    .where('role_assignments.role_template_id', '=', ROLE.globalAdministrator)
    .where('users.account_enabled', '=', true);
  if (o.exceptUserId) q = q.where('users.id', '<>', o.exceptUserId);
  if (o.exceptAssignmentId) q = q.where('role_assignments.id', '<>', o.exceptAssignmentId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/**
 * The directory role template ids a user holds: direct assignments plus assignments to
 * role-assignable groups the user belongs to (Entra's group-based role assignment). Sorted, each
 * once; empty for unknown or disabled users. The token verifier emits these as `wids`.
 */
export async function effectiveRoleTemplateIds(db: Kysely<DB>, userId: string): Promise<string[]> {
  if (!GUID.test(userId)) return [];
  const user = await db.selectFrom('users').select('account_enabled').where('id', '=', userId).executeTakeFirst();
  if (!user?.account_enabled) return [];
  return assignedRoleTemplateIds(db, userId);
}

/**
 * The roles assigned to a user (directly or through groups) whatever the account's state: for
 * "may this admin act on that user" checks, where a disabled Global Administrator is still one.
 */
export async function assignedRoleTemplateIds(db: Kysely<DB>, userId: string): Promise<string[]> {
  if (!GUID.test(userId)) return [];
  const principals = [userId, ...(await transitiveGroupIdsOfUser(db, userId))];
  const rows = await db
    .selectFrom('role_assignments')
    .select('role_template_id')
    .distinct()
    .where('principal_id', 'in', principals)
    .execute();
  return rows.map((r) => r.role_template_id).sort();
}
