import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.ts';

/** How many rows `table` holds, to prove a rejected request wrote nothing. */
export async function rowCount(db: Kysely<DB>, table: keyof DB): Promise<number> {
  const r = await db
    .selectFrom(table as 'audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Row counts of several tables under the caller's labels, counted one after another in key order. */
export async function rowCounts<K extends string>(db: Kysely<DB>, tables: Record<K, keyof DB>): Promise<Record<K, number>> {
  const out = {} as Record<K, number>;
  for (const [label, table] of Object.entries(tables) as [K, keyof DB][]) out[label] = await rowCount(db, table);
  return out;
}
