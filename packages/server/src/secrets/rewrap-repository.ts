import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { SealedColumn } from './sealed-columns.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The envelope's key id is its second dot-separated part (`lk1.<keyId>.…`, secrets/envelope.ts). */
const keyIdOf = (c: SealedColumn) => sql`split_part(${sql.ref(c.column)}, '.', 2)`;

/** How many secrets of one column each master key id sealed. */
export async function countByKeyId(db: Db, c: SealedColumn): Promise<Record<string, number>> {
  const { rows } = await sql<{ key_id: string; n: number }>`
    select ${keyIdOf(c)} as key_id, count(*)::int as n from ${sql.table(c.table)} group by 1 order by 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.key_id, Number(r.n)]));
}

/** Up to `limit` rows sealed with one of `keyIds`, in id order after `after` (keyset paging). */
export async function sealedWith(db: Db, c: SealedColumn, keyIds: readonly string[], after: string | null, limit: number): Promise<Array<{ id: string; sealed: string }>> {
  const { rows } = await sql<{ id: string; sealed: string }>`
    select ${sql.ref(c.id)}::text as id, ${sql.ref(c.column)} as sealed from ${sql.table(c.table)}
    where ${keyIdOf(c)} = any(${[...keyIds]}::text[]) and (${after}::text is null or ${sql.ref(c.id)} > ${after}::${sql.raw(c.idType)})
    order by ${sql.ref(c.id)} limit ${limit}`.execute(db);
  return rows;
}

/**
 * Replaces each row's sealed value when it still holds `old` (compare-and-set: a concurrent
 * rewrap or a new secret written meanwhile wins, and that row is not counted). Returns the ids
 * that changed.
 */
export async function replaceSealed(db: Db, c: SealedColumn, changes: ReadonlyArray<{ id: string; old: string; next: string }>): Promise<string[]> {
  if (!changes.length) return [];
  const { rows } = await sql<{ id: string }>`
    update ${sql.table(c.table)} as t set ${sql.ref(c.column)} = v.next
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as v(id text, old text, next text)
    where t.${sql.ref(c.id)} = v.id::${sql.raw(c.idType)} and t.${sql.ref(c.column)} = v.old
    returning t.${sql.ref(c.id)}::text as id`.execute(db);
  return rows.map((r) => r.id);
}
