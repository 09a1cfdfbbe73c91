import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { TapFacts } from './policy.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A stored pass (never the pass itself). */
export interface StoredTap extends TapFacts {
  id: string;
  userId: string;
  passHash: string;
  createdAt: Date;
}

const toTap = (r: {
  id: string;
  user_id: string;
  pass_hash: string;
  start_date_time: Date;
  lifetime_in_minutes: number;
  is_usable_once: boolean;
  used_at: Date | null;
  created_at: Date;
}): StoredTap => ({
  id: r.id,
  userId: r.user_id,
  passHash: r.pass_hash,
  startDateTime: new Date(r.start_date_time),
  lifetimeInMinutes: Number(r.lifetime_in_minutes),
  isUsableOnce: r.is_usable_once,
  usedAt: r.used_at ? new Date(r.used_at) : null,
  createdAt: new Date(r.created_at),
});

export async function findTapOfUser(db: Db, userId: string): Promise<StoredTap | undefined> {
  const r = await db.selectFrom('tap_methods').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return r && toTap(r);
}

/** Locks the user's row (`for update`) so two concurrent issues serialise on replacement. */
export async function lockUser(trx: Transaction<DB>, userId: string): Promise<boolean> {
  return !!(await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst());
}

export async function deleteTap(db: Db, userId: string, id: string): Promise<StoredTap | undefined> {
  const r = await db.deleteFrom('tap_methods').where('user_id', '=', userId).where('id', '=', id).returningAll().executeTakeFirst();
  return r && toTap(r);
}

export async function insertTap(db: Db, t: Omit<StoredTap, 'usedAt' | 'createdAt'>, now: Date): Promise<StoredTap> {
  const r = await db
    .insertInto('tap_methods')
    .values({
      id: t.id,
      user_id: t.userId,
      pass_hash: t.passHash,
      start_date_time: t.startDateTime,
      lifetime_in_minutes: t.lifetimeInMinutes,
      is_usable_once: t.isUsableOnce,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTap(r);
}

/**
 * Consumes a one-time pass: one conditional UPDATE … RETURNING (house style §15). Only a row
 * still unused and inside its window matches, so of N parallel redemptions exactly one gets a
 * row back; the rest get undefined.
 */
export async function consumeOneTime(db: Db, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('tap_methods')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('is_usable_once', '=', true)
    .where('used_at', 'is', null)
    .where('start_date_time', '<=', now)
    .where(sql<boolean>`start_date_time + make_interval(mins => lifetime_in_minutes) > ${now}`)
    .returning('id')
    .executeTakeFirst();
  return !!r;
}
