import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { GUID } from '../odata/filter.ts';
import type { Page } from '../odata/response.ts';
import { GROUPS_RESOURCE } from './filters.ts';
import { toGraphGroup, type GraphGroup, type GroupRow } from './shapes.ts';
import type { ListOptions } from './users-repository.ts';
import { listByIdKeyset } from './id-keyset.ts';

export interface GroupValues {
  display_name: string;
  description: string | null;
  mail_nickname: string;
  is_assignable_to_role: boolean;
}

export async function insertGroup(db: Kysely<DB>, id: string, v: GroupValues): Promise<GraphGroup> {
  const now = new Date();
  const row = await db
    .insertInto('groups')
    .values({ id, ...v, mail_enabled: false, security_enabled: true, group_types: '[]', created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toGraphGroup(row);
}

export async function findGroupRow(db: Kysely<DB>, id: string): Promise<GroupRow | undefined> {
  if (!GUID.test(id)) return undefined;
  return db.selectFrom('groups').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
}

export async function updateGroupRow(
  db: Kysely<DB>,
  id: string,
  v: Partial<Omit<GroupValues, 'is_assignable_to_role'>>,
): Promise<GroupRow> {
  return db
    .updateTable('groups')
    .set({ ...v, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the group, its member rows (FK cascade), its own memberships and role assignments. */
export async function deleteGroupRow(
  db: Kysely<DB>,
  id: string,
): Promise<{ members: number; memberships: number; roleAssignments: number }> {
  const members = await db.deleteFrom('group_members').where('group_id', '=', id).executeTakeFirst();
  const memberships = await db.deleteFrom('group_members').where('member_id', '=', id).executeTakeFirst();
  const roles = await db.deleteFrom('role_assignments').where('principal_id', '=', id).executeTakeFirst();
  await db.deleteFrom('groups').where('id', '=', id).execute();
  return {
    members: Number(members.numDeletedRows),
    memberships: Number(memberships.numDeletedRows),
    roleAssignments: Number(roles.numDeletedRows),
  };
}

export async function listGroups(db: Kysely<DB>, o: ListOptions): Promise<Page<GraphGroup>> {
  return listByIdKeyset(db, 'groups', GROUPS_RESOURCE.filterable, o, toGraphGroup);
}

/** Groups whose displayName equals `name`, case-insensitively (for the CLI's name lookups; at most 2). */
export async function findGroupRowsByName(db: Kysely<DB>, name: string): Promise<GroupRow[]> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['display_name']), '=', name.toLowerCase()))
    .limit(2)
    .execute();
}
