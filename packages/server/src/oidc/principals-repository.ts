import { sql, type Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';

/** The directory facts a token check needs about its subject (user or service principal). */
export interface SubjectRecord {
  id: string;
  displayName: string;
  enabled: boolean;
  userPrincipalName?: string;
  appId?: string;
}

export async function findUserById(db: Kysely<DB>, id: string): Promise<SubjectRecord | undefined> {
  const r = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'account_enabled', 'user_principal_name'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r && { id: r.id, displayName: r.display_name, enabled: r.account_enabled, userPrincipalName: r.user_principal_name };
}

export async function findUserByUpn(db: Kysely<DB>, upn: string): Promise<SubjectRecord | undefined> {
  const r = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'account_enabled', 'user_principal_name'])
    .where((eb) => eb(eb.fn('lower', ['user_principal_name']), '=', upn.toLowerCase()))
    .executeTakeFirst();
  return r && { id: r.id, displayName: r.display_name, enabled: r.account_enabled, userPrincipalName: r.user_principal_name };
}

export async function findServicePrincipalById(db: Kysely<DB>, id: string): Promise<SubjectRecord | undefined> {
  const r = await db
    .selectFrom('service_principals')
    .select(['id', 'display_name', 'account_enabled', 'app_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r && { id: r.id, displayName: r.display_name, enabled: r.account_enabled, appId: r.app_id };
}

/**
 * Directory role template ids held by a principal: assigned directly, or through a
 * role-assignable group it is a (transitive) member of. `union` (not `union all`) makes the
 * recursion terminate even when group nesting has a cycle.
 */
export async function directoryRolesOf(db: Kysely<DB>, principalId: string): Promise<string[]> {
  const r = await sql<{ role_template_id: string }>`
    with recursive parents(id) as (
      select group_id from group_members where member_id = ${principalId}
      union
      select gm.group_id from group_members gm join parents p on gm.member_id = p.id
    )
    select distinct role_template_id from role_assignments
    where principal_id = ${principalId}
       or (principal_type = 'group' and principal_id in (select id from parents))
    order by role_template_id`.execute(db);
  return r.rows.map((x) => x.role_template_id);
}
