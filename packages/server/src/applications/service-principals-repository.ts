import type { Kysely, Selectable } from 'kysely';
import { principalChanged } from '../auth/principal-changes.ts';
import type { AppRoleAssignmentsTable, DB, ServicePrincipalsTable } from '../store/schema.ts';

export type ServicePrincipalRow = Selectable<ServicePrincipalsTable>;
export type AppRoleAssignmentRow = Selectable<AppRoleAssignmentsTable>;

/** Service principals, their granted permissions (app role assignments) and directory role rows. */
export async function insertServicePrincipal(
  db: Kysely<DB>,
  v: { id: string; appId: string; displayName: string },
): Promise<ServicePrincipalRow> {
  const now = new Date();
  return db
    .insertInto('service_principals')
    .values({ id: v.id, app_id: v.appId, display_name: v.displayName, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findServicePrincipal(
  db: Kysely<DB>,
  id: string,
  by: 'id' | 'appId' = 'id',
  options: { forUpdate?: boolean } = {},
): Promise<ServicePrincipalRow | undefined> {
  const q = db
    .selectFrom('service_principals')
    .selectAll()
    .where(by === 'id' ? 'id' : 'app_id', '=', id.toLowerCase());
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

export async function listServicePrincipals(
  db: Kysely<DB>,
  o: { top: number; after?: string; appId?: string },
): Promise<{ rows: ServicePrincipalRow[]; more: boolean }> {
  let q = db
    .selectFrom('service_principals')
    .selectAll()
    .orderBy('id')
    .limit(o.top + 1);
  if (o.after) q = q.where('id', '>', o.after);
  if (o.appId) q = q.where('app_id', '=', o.appId.toLowerCase());
  const rows = await q.execute();
  return { rows: rows.slice(0, o.top), more: rows.length > o.top };
}

export async function updateServicePrincipalRow(
  db: Kysely<DB>,
  id: string,
  v: { accountEnabled?: boolean; displayName?: string },
): Promise<void> {
  principalChanged(id);
  await db
    .updateTable('service_principals')
    .set({
      updated_at: new Date(),
      ...(v.accountEnabled === undefined ? {} : { account_enabled: v.accountEnabled }),
      ...(v.displayName === undefined ? {} : { display_name: v.displayName }),
    })
    .where('id', '=', id)
    .execute();
}

/** Deletes the service principal with its app role assignments and directory role assignments. */
export async function deleteServicePrincipalRow(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('principal_id', '=', id).where('principal_type', '=', 'servicePrincipal').execute();
  await db.deleteFrom('service_principals').where('id', '=', id).execute();
  principalChanged(id);
}

export async function appRoleAssignmentsOf(db: Kysely<DB>, principalId: string): Promise<AppRoleAssignmentRow[]> {
  return db
    .selectFrom('app_role_assignments')
    .selectAll()
    .where('principal_id', '=', principalId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertAppRoleAssignment(
  db: Kysely<DB>,
  v: { id: string; principalId: string; value: string },
): Promise<AppRoleAssignmentRow> {
  return db
    .insertInto('app_role_assignments')
    .values({ id: v.id, principal_id: v.principalId, app_role_value: v.value, created_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteAppRoleAssignment(db: Kysely<DB>, principalId: string, id: string): Promise<AppRoleAssignmentRow | undefined> {
  return db
    .deleteFrom('app_role_assignments')
    .where('principal_id', '=', principalId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Directory role template ids assigned directly to a service principal. */
export async function directoryRolesOfServicePrincipal(db: Kysely<DB>, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_assignments')
    .select('role_template_id')
    .where('principal_id', '=', id)
    .where('principal_type', '=', 'servicePrincipal')
    .orderBy('role_template_id')
    .execute();
  return rows.map((r) => r.role_template_id);
}

export async function insertServicePrincipalRole(
  db: Kysely<DB>,
  principalId: string,
  roleTemplateId: string,
): Promise<{ id: string; createdAt: Date }> {
  const row = await db
    .insertInto('role_assignments')
    .values({
      id: crypto.randomUUID(),
      role_template_id: roleTemplateId,
      principal_id: principalId,
      principal_type: 'servicePrincipal',
      created_at: new Date(),
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, createdAt: row.created_at };
}

export async function deleteServicePrincipalRole(db: Kysely<DB>, principalId: string, roleTemplateId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('role_assignments')
    .where('principal_id', '=', principalId)
    .where('principal_type', '=', 'servicePrincipal')
    .where('role_template_id', '=', roleTemplateId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
