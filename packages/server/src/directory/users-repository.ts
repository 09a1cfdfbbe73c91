import { sql, type Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { principalChanged } from '../auth/principal-changes.ts';
import type { FilterExpr } from '../odata/filter.ts';
import type { Page } from '../odata/response.ts';
import { USERS_RESOURCE } from './filters.ts';
import { toGraphUser, type GraphUser, type UserRow } from './shapes.ts';
import { GUID } from '../odata/filter.ts';
import { countByFilter, listByIdKeyset } from './id-keyset.ts';

/** Columns a user write may set (snake_case, as stored). */
export interface UserValues {
  user_principal_name: string;
  display_name: string;
  given_name: string | null;
  surname: string | null;
  mail: string | null;
  mail_nickname: string | null;
  job_title: string | null;
  department: string | null;
  account_enabled: boolean;
}

export interface ListOptions {
  filter?: FilterExpr | undefined;
  after?: string | undefined;
  top: number;
  count?: boolean;
}

/** Inserts a user; the unique index on lower(userPrincipalName) raises 23505 on a duplicate. */
export async function insertUser(db: Kysely<DB>, id: string, v: UserValues): Promise<GraphUser> {
  const now = new Date();
  const row = await db
    .insertInto('users')
    .values({ id, ...v, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toGraphUser(row);
}

/** By id (undefined for unknown ids and for ids that are not GUIDs). */
export async function findUserRow(db: Kysely<DB>, id: string): Promise<UserRow | undefined> {
  if (!GUID.test(id)) return undefined;
  return db.selectFrom('users').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
}

/** By userPrincipalName, case-insensitively (the users_upn_lower index). */
export async function findUserRowByUpn(db: Kysely<DB>, upn: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(user_principal_name)`, '=', upn.toLowerCase())
    .executeTakeFirst();
}

/** Graph addresses a user by id or by userPrincipalName (`/users/{id | userPrincipalName}`). */
export async function findUserRowByKey(db: Kysely<DB>, key: string): Promise<UserRow | undefined> {
  if (GUID.test(key)) return findUserRow(db, key);
  // Only something that could be a UPN reaches SQL (no NUL, no lone surrogates, bounded).
  return key.includes('@') && key.length <= 113 && key.isWellFormed() && !key.includes('\0') ? findUserRowByUpn(db, key) : undefined;
}

export async function updateUserRow(db: Kysely<DB>, id: string, v: Partial<UserValues>): Promise<UserRow> {
  principalChanged(id);
  return db
    .updateTable('users')
    .set({ ...v, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the user with its memberships and role assignments (no FK: members are polymorphic). */
export async function deleteUserRow(db: Kysely<DB>, id: string): Promise<{ memberships: number; roleAssignments: number }> {
  const m = await db.deleteFrom('group_members').where('member_id', '=', id).executeTakeFirst();
  const r = await db.deleteFrom('role_assignments').where('principal_id', '=', id).executeTakeFirst();
  await db.deleteFrom('users').where('id', '=', id).execute();
  principalChanged(id);
  return { memberships: Number(m.numDeletedRows), roleAssignments: Number(r.numDeletedRows) };
}

/** One keyset page ordered by id, optionally filtered; `count` counts all matches. */
export async function listUsers(db: Kysely<DB>, o: ListOptions): Promise<Page<GraphUser>> {
  return listByIdKeyset(db, 'users', USERS_RESOURCE.filterable, o, toGraphUser);
}

export async function countUsers(db: Kysely<DB>, filter?: FilterExpr): Promise<number> {
  return countByFilter(db, 'users', USERS_RESOURCE.filterable, filter);
}
