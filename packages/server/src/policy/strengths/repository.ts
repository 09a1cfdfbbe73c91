import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { AuthenticationStrength } from './types.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The only module that speaks SQL for custom authentication strengths. */
export async function listCustomStrengths(db: Db): Promise<AuthenticationStrength[]> {
  const rows = await db.selectFrom('ca_authentication_strengths').select('body').orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.body as unknown as AuthenticationStrength);
}

export async function findCustomStrength(db: Db, id: string, forUpdate = false): Promise<AuthenticationStrength | undefined> {
  let q = db.selectFrom('ca_authentication_strengths').select('body').where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row?.body as unknown as AuthenticationStrength | undefined;
}

export async function countCustomStrengths(db: Db): Promise<number> {
  const r = await db
    .selectFrom('ca_authentication_strengths')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function strengthNameTaken(db: Db, displayName: string, exceptId?: string): Promise<boolean> {
  let q = db
    .selectFrom('ca_authentication_strengths')
    .select('id')
    .where(sql<string>`lower(display_name)`, '=', displayName.toLowerCase());
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export async function insertStrength(db: Db, s: AuthenticationStrength): Promise<void> {
  await db
    .insertInto('ca_authentication_strengths')
    .values({
      id: s.id,
      display_name: s.displayName,
      body: JSON.stringify(s),
      created_at: s.createdDateTime,
      modified_at: s.modifiedDateTime,
    })
    .execute();
}

export async function updateStrength(db: Db, s: AuthenticationStrength): Promise<void> {
  await db
    .updateTable('ca_authentication_strengths')
    .set({ display_name: s.displayName, body: JSON.stringify(s), modified_at: s.modifiedDateTime })
    .where('id', '=', s.id)
    .execute();
}

export async function deleteStrength(db: Db, id: string): Promise<void> {
  await db.deleteFrom('ca_authentication_strengths').where('id', '=', id).execute();
}
