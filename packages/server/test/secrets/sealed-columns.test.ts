import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { SEALED_COLUMNS } from '../../src/secrets/sealed-columns.ts';

/** Rewrapping after a master key rotation walks SEALED_COLUMNS: a sealed column missing there would stay under the old key. */
describeEachStore('sealed columns registry', (store) => {
  it('lists every *_sealed column of the migrated schema, with its primary key and type', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_name like '%\\_sealed' order by 1, 2`.execute(store().db);
    expect(rows.map((r) => `${r.table_name}.${r.column_name}`)).toEqual(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort());
    for (const c of SEALED_COLUMNS) {
      const pk = await sql<{ column_name: string; data_type: string }>`
        select a.attname as column_name, format_type(a.atttypid, a.atttypmod) as data_type
        from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = ${c.table}::regclass and i.indisprimary`.execute(store().db);
      expect(pk.rows, c.table).toEqual([{ column_name: c.id, data_type: c.idType }]);
    }
  });
});
