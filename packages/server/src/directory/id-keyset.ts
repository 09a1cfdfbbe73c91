import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { FilterFields } from '../odata/filter.ts';
import { filterToSql } from '../odata/sql.ts';
import type { Page } from '../odata/response.ts';
import type { ListOptions } from './users-repository.ts';

/** Directory tables listed as keyset pages ordered by their `id`. */
export type IdKeyedTable = 'users' | 'groups' | 'role_assignments';

/**
 * One keyset page of `table` ordered by id, optionally filtered (`filterable` maps the Graph
 * property names to columns); `count` counts all matches, not just this page.
 */
export async function listByIdKeyset<TB extends IdKeyedTable, T>(
  db: Kysely<DB>,
  table: TB,
  filterable: FilterFields,
  o: ListOptions,
  toGraph: (row: Selectable<DB[TB]>) => T,
): Promise<Page<T>> {
  // One table at a time: the union of tables would make Kysely's row type a union too.
  const t = db as unknown as Kysely<Pick<DB, 'users'>>;
  let q = t
    .selectFrom(table as 'users')
    .selectAll()
    .orderBy('id')
    .limit(o.top + 1);
  if (o.filter) q = q.where(filterToSql(o.filter, filterable));
  if (o.after) q = q.where('id', '>', o.after);
  const rows = (await q.execute()) as unknown as Selectable<DB[TB]>[];
  const more = rows.length > o.top;
  const page = more ? rows.slice(0, o.top) : rows;
  return {
    items: page.map(toGraph),
    nextAfter: more ? (page[page.length - 1] as { id: string }).id : null,
    count: o.count ? await countByFilter(db, table, filterable, o.filter) : undefined,
  };
}

/** How many rows of `table` match `filter` (all rows without one). */
export async function countByFilter(
  db: Kysely<DB>,
  table: IdKeyedTable,
  filterable: FilterFields,
  filter: ListOptions['filter'],
): Promise<number> {
  let q = db.selectFrom(table as 'users').select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (filter) q = q.where(filterToSql(filter, filterable));
  return Number((await q.executeTakeFirstOrThrow()).n);
}
