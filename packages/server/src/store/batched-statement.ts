import { CompiledQuery, type Kysely } from 'kysely';
import type { DB } from './schema.ts';
import { microBatch, totalsFor, type MicroBatcher } from './micro-batch.ts';

/**
 * One hot single-row statement, run for many concurrent callers at once (ADR 0013).
 *
 * `sql` reads its items from `$1::jsonb`, an array of `{"n": <position>, ...encode(item, n)}`
 * (typically `jsonb_to_recordset($1::jsonb) as v(n int, …)`), and every row it returns carries
 * that `n`; each caller gets the rows of its own item. The SQL text never changes with the batch
 * size, so PostgreSQL prepares it once.
 *
 * Only for statements whose items cannot fail one by one (no constraint a caller's values could
 * break): a failed statement fails every caller in its batch. Items with the same `keyOf` go in
 * different batches (for writes, where two source rows for one target row would collide).
 *
 * Inside a transaction, and on a store that runs one statement at a time (PGlite: nothing to
 * gather, and it plans every statement anew, so the batch form's planning costs more than it
 * saves — 8.5 against 6.0 ms of CPU per passkey sign-in), `single` runs the plain one-row statement.
 */
export interface BatchedStatementOptions<I, R> {
  /** Names the statement in `/metrics` (latchkey_db_batches_total{statement}). */
  name: string;
  sql: string;
  /** The item as JSON; `n` is its position, for an encoding that nests parts which must carry it too. */
  encode(item: I, n: number): Record<string, unknown>;
  /** The same statement for one item (rows without `n`); without it, the batch form runs with one item. */
  single?(db: Kysely<DB>, item: I): Promise<R[]>;
  keyOf?(item: I): string;
  maxBatch?: number;
  maxInFlight?: number;
}

export interface BatchedStatement<I, R> {
  /** The rows for `item` (none for a write that returns nothing). */
  run(db: Kysely<DB>, item: I): Promise<R[]>;
}

/**
 * One batch of a statement in flight at a time: callers that arrive meanwhile go into the next,
 * larger batch. Two (one in the database while the other's results are handled) pipelined better
 * in theory, but on two cores the smaller batches cost more: passkey ceremonies 902–953/s at
 * 1.41–1.51 ms of CPU against 1,164–1,234/s at 1.05–1.13 ms with one; OATH checks within the noise
 * (ADR 0013, update).
 */
const MAX_IN_FLIGHT = 1;
/** Bounds one statement's parameter (a few hundred bytes per item). */
const MAX_BATCH = 128;

/**
 * For a statement of chained data-modifying CTEs (a completion): the condition that keeps only the
 * items whose `n` the CTE `after` returned, appended to a step's `where` (nothing without one).
 */
export const onlyAfter = (after?: string): string => (after ? `\n  and ${returnedBy(after)}` : '');

/** The condition itself: the item's `n` is one the CTE `after` returned. */
export const returnedBy = (after: string): string => `v.n in (select n from ${after})`;

/** Stores that run one statement at a time (store/database.ts marks PGlite's). */
const oneAtATime = new WeakSet<Kysely<DB>>();

/** Marks `db` as a store where statements are not gathered (see `batchedStatement`). */
export function runsOneStatementAtATime(db: Kysely<DB>): void {
  oneAtATime.add(db);
}

export function batchedStatement<I, R extends object>(o: BatchedStatementOptions<I, R>): BatchedStatement<I, R> {
  totalsFor(o.name);
  const runBatch = async (db: Kysely<DB>, items: readonly I[]): Promise<R[][]> => {
    const json = JSON.stringify(items.map((item, n) => ({ ...o.encode(item, n), n })));
    const { rows } = await db.executeQuery<R & { n: number | string }>(CompiledQuery.raw(o.sql, [json]));
    const out: R[][] = items.map(() => []);
    for (const row of rows) {
      const { n, ...rest } = row;
      const list = out[Number(n)];
      if (!list) throw new Error(`batchedStatement ${o.name}: a row came back for item ${String(n)} of ${items.length}`);
      list.push(rest as unknown as R);
    }
    return out;
  };
  const byDatabase = new WeakMap<Kysely<DB>, MicroBatcher<I, R[]>>();
  return {
    async run(db, item) {
      if (db.isTransaction || oneAtATime.has(db)) return o.single ? o.single(db, item) : (await runBatch(db, [item]))[0]!;
      let b = byDatabase.get(db);
      if (!b) {
        b = microBatch<I, R[]>({
          name: o.name,
          maxBatch: o.maxBatch ?? MAX_BATCH,
          maxInFlight: o.maxInFlight ?? MAX_IN_FLIGHT,
          ...(o.keyOf ? { keyOf: o.keyOf } : {}),
          run: (items) => runBatch(db, items),
        });
        byDatabase.set(db, b);
      }
      return b.load(item);
    },
  };
}
