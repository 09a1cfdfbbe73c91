import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { batchedStatement } from '../../src/store/batched-statement.ts';
import { microBatchTotals } from '../../src/store/micro-batch.ts';

/** A statement that needs no table: each item's rows are its number doubled, `x` times over. */
const doubled = batchedStatement<{ x: number }, { doubled: number }>({
  name: 'test_doubled',
  encode: (i) => ({ x: i.x }),
  sql: `select v.n, v.x * 2 as doubled from jsonb_to_recordset($1::jsonb) as v(n int, x int), generate_series(1, v.x)`,
});
const stray = batchedStatement<{ x: number }, object>({
  name: 'test_stray',
  encode: (i) => ({ x: i.x }),
  sql: `select v.n + 7 as n from jsonb_to_recordset($1::jsonb) as v(n int, x int)`,
});
const totals = () => ({ ...microBatchTotals().get('test_doubled')! });

describeEachStore('batchedStatement', (store) => {
  it('concurrent callers share one statement on PostgreSQL (PGlite runs them one by one) and each gets the rows of its own item', async () => {
    const before = totals();
    const results = await Promise.all([0, 1, 2, 3].map((x) => doubled.run(store().db, { x })));
    expect(results).toEqual([[], [{ doubled: 2 }], [{ doubled: 4 }, { doubled: 4 }], [{ doubled: 6 }, { doubled: 6 }, { doubled: 6 }]]);
    const after = totals();
    const gathered = store().kind === 'postgres';
    expect(after.items - before.items).toBe(gathered ? 4 : 0);
    expect(after.batches - before.batches).toBe(gathered ? 1 : 0);
  });

  it('runs the one-row form where nothing is gathered (PGlite, transactions), the batch form otherwise', async () => {
    const calls: number[] = [];
    const withSingle = batchedStatement<{ x: number }, { doubled: number }>({
      name: 'test_single',
      encode: (i) => ({ x: i.x }),
      single: async (_db, i) => {
        calls.push(i.x);
        return [{ doubled: i.x * 2 }];
      },
      sql: `select v.n, v.x * 2 as doubled from jsonb_to_recordset($1::jsonb) as v(n int, x int)`,
    });
    expect(await withSingle.run(store().db, { x: 5 })).toEqual([{ doubled: 10 }]);
    expect(await store().db.transaction().execute((trx) => withSingle.run(trx, { x: 6 }))).toEqual([{ doubled: 12 }]);
    expect(calls).toEqual(store().kind === 'postgres' ? [6] : [5, 6]);
  });

  it('inside a transaction the statement runs there, for that item alone', async () => {
    const before = totals();
    const rows = await store().db.transaction().execute((trx) => doubled.run(trx, { x: 2 }));
    expect(rows).toEqual([{ doubled: 4 }, { doubled: 4 }]);
    expect(totals()).toEqual(before);
  });

  it('a row for an item that is not in the batch is an error for every caller', async () => {

    const both = [stray.run(store().db, { x: 1 }), stray.run(store().db, { x: 2 })];
    // Gathered (PostgreSQL): item 7 of 2; one by one (PGlite, no one-row form given): item 7 and 8 of 1.
    await expect(both[0]).rejects.toThrow(/test_stray: a row came back for item [78] of [12]/);
    await expect(both[1]).rejects.toThrow(/test_stray: a row came back for item [78] of [12]/);
  });
});
