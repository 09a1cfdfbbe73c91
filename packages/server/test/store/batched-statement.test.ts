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
  it('concurrent callers share one statement and each gets the rows of its own item (none, one or several)', async () => {
    const before = totals();
    const results = await Promise.all([0, 1, 2, 3].map((x) => doubled.run(store().db, { x })));
    expect(results).toEqual([[], [{ doubled: 2 }], [{ doubled: 4 }, { doubled: 4 }], [{ doubled: 6 }, { doubled: 6 }, { doubled: 6 }]]);
    const after = totals();
    expect(after.items - before.items).toBe(4);
    expect(after.batches - before.batches).toBe(1);
  });

  it('inside a transaction the statement runs there, for that item alone', async () => {
    const before = totals();
    const rows = await store().db.transaction().execute((trx) => doubled.run(trx, { x: 2 }));
    expect(rows).toEqual([{ doubled: 4 }, { doubled: 4 }]);
    expect(totals()).toEqual(before);
  });

  it('a row for an item that is not in the batch is an error for every caller', async () => {
    const both = [stray.run(store().db, { x: 1 }), stray.run(store().db, { x: 2 })];
    await expect(both[0]).rejects.toThrow(/test_stray: a row came back for item 7 of 2/);
    await expect(both[1]).rejects.toThrow(/test_stray/);
  });
});
