import { type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';

/**
 * SQL for the legacy password method (`user_passwords`) and the few directory facts its admin
 * API needs. A user has a password only while a row with `enabled = true` exists; turning it off
 * clears the hash, so no secret outlives the method.
 */
type Db = Kysely<DB> | Transaction<DB>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StoredPassword {
  userId: string;
  hash: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserRef {
  id: string;
  userPrincipalName: string;
  displayName: string;
}

/** A user by id or userPrincipalName (Graph accepts either in `/users/{id | userPrincipalName}`). */
export async function findUser(db: Db, idOrUpn: string): Promise<UserRef | undefined> {
  const q = db.selectFrom('users').select(['id', 'user_principal_name', 'display_name']);
  const row = UUID.test(idOrUpn)
    ? await q.where('id', '=', idOrUpn).executeTakeFirst()
    : await q.where((eb) => eb(eb.fn('lower', ['user_principal_name']), '=', idOrUpn.toLowerCase())).executeTakeFirst();
  return row ? { id: row.id, userPrincipalName: row.user_principal_name, displayName: row.display_name } : undefined;
}

export async function loadPassword(db: Db, userId: string): Promise<StoredPassword | undefined> {
  if (!UUID.test(userId)) return undefined;
  const row = await db.selectFrom('user_passwords').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row
    ? {
        userId: row.user_id,
        hash: row.hash,
        enabled: row.enabled,
        createdAt: new Date(row.created_at),
        updatedAt: new Date(row.updated_at),
      }
    : undefined;
}

/** Stores a new hash and turns the password on. Returns when it was set. */
export async function storePassword(trx: Db, userId: string, hash: string): Promise<Date> {
  const now = new Date();
  await trx
    .insertInto('user_passwords')
    .values({ user_id: userId, hash, enabled: true, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, enabled: true, created_at: now, updated_at: now }))
    .execute();
  return now;
}

/** Turns the password off and forgets the hash. True when there was an enabled password. */
export async function clearPassword(trx: Db, userId: string): Promise<boolean> {
  const r = await trx
    .updateTable('user_passwords')
    .set({ hash: null, enabled: false, updated_at: new Date() })
    .where('user_id', '=', userId)
    .where('enabled', '=', true)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Replaces a hash with an upgraded one only if it is still the one verified (compare-and-set). */
export async function upgradeHash(db: Db, userId: string, oldHash: string, newHash: string): Promise<void> {
  await db
    .updateTable('user_passwords')
    .set({ hash: newHash })
    .where('user_id', '=', userId)
    .where('hash', '=', oldHash)
    .where('enabled', '=', true)
    .execute();
}
