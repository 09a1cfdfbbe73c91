import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { NamedLocation } from './types.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The only module that speaks SQL for named locations. */
export async function listNamedLocations(db: Db): Promise<NamedLocation[]> {
  const rows = await db.selectFrom('ca_named_locations').select('body').orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.body as unknown as NamedLocation);
}

export async function findNamedLocation(db: Db, id: string): Promise<NamedLocation | undefined> {
  const row = await db.selectFrom('ca_named_locations').select('body').where('id', '=', id).executeTakeFirst();
  return row?.body as unknown as NamedLocation | undefined;
}

export async function countNamedLocations(db: Db): Promise<number> {
  const r = await db
    .selectFrom('ca_named_locations')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function upsertNamedLocation(db: Db, l: NamedLocation, insert: boolean): Promise<void> {
  const values = {
    display_name: l.displayName,
    odata_type: l['@odata.type'],
    is_trusted: l['@odata.type'] === '#microsoft.graph.ipNamedLocation' ? l.isTrusted : false,
    body: JSON.stringify(l),
    modified_at: l.modifiedDateTime,
  };
  if (insert)
    await db
      .insertInto('ca_named_locations')
      .values({ id: l.id, created_at: l.createdDateTime, ...values })
      .execute();
  else await db.updateTable('ca_named_locations').set(values).where('id', '=', l.id).execute();
}

export async function deleteNamedLocation(db: Db, id: string): Promise<void> {
  await db.deleteFrom('ca_named_locations').where('id', '=', id).execute();
}

/** Ids of CA policies that name this location in includeLocations or excludeLocations. */
export async function policiesUsingLocation(db: Db, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ca_policies')
    .select('id')
    .where(
      sql<boolean>`(body->'conditions'->'locations'->'includeLocations') ? ${id} or (body->'conditions'->'locations'->'excludeLocations') ? ${id}`,
    )
    .execute();
  return rows.map((r) => r.id);
}
