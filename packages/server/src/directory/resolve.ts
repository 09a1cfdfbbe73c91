import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { ApiError, notFound } from '../errors.ts';
import { GUID } from '../odata/filter.ts';
import { findGroupRow, findGroupRowsByName } from './groups-repository.ts';
import { findUserRowByKey } from './users-repository.ts';
import type { GroupRow, UserRow } from './shapes.ts';

/** CLI conveniences: name people by UPN and groups by display name, not only by id. */
export async function resolveUser(db: Kysely<DB>, key: string): Promise<UserRow> {
  const row = await findUserRowByKey(db, key);
  if (!row) throw notFound('user', key);
  return row;
}

export async function resolveGroup(db: Kysely<DB>, key: string): Promise<GroupRow> {
  if (GUID.test(key)) {
    const row = await findGroupRow(db, key);
    if (!row) throw notFound('group', key);
    return row;
  }
  const rows = await findGroupRowsByName(db, key);
  if (rows.length > 1) throw new ApiError('Request_BadRequest', `More than one group is named '${key}'; use its id.`);
  if (!rows[0]) throw notFound('group', key);
  return rows[0];
}

/** A user (UPN or id) or a group (id or display name) as a directory object id. */
export async function resolveDirectoryObject(db: Kysely<DB>, key: string): Promise<{ id: string; type: 'user' | 'group' }> {
  const user = await findUserRowByKey(db, key);
  if (user) return { id: user.id, type: 'user' };
  if (key.includes('@')) throw notFound('user', key);
  return { id: (await resolveGroup(db, key)).id, type: 'group' };
}
