import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DB } from './schema.ts';

/** Stands for one argument while a template is built; never sent to the database. */
class Slot {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

type Args = Record<string, unknown>;

/**
 * A Kysely query built once and run many times with new arguments. Building and compiling a
 * query is pure CPU — about 60 µs for the OATH verification read on this machine, a quarter of
 * that statement's cost (docs/benchmarks/oath.md) — and the result depends only on the query's
 * shape. `build` receives the database (for its query builder) and a placeholder for every argument; the compiled SQL is kept, and each
 * call swaps the placeholders in the parameter list for the call's values. The SQL text is the
 * same string every time, which is also what the prepared-statement namer keys on.
 *
 * Only for shapes that do not depend on the values: an argument may be used where Kysely passes
 * a value straight through as a parameter (`where(col, '=', v)`, `set({ col: v })`,
 * `values({ col: v })`), not as a list for `in`, a `null` test, or anything Kysely inspects.
 * A placeholder that does not reach the parameter list is an error at first use.
 */
export function queryTemplate<A extends Args, R>(names: ReadonlyArray<keyof A & string>, build: (db: Kysely<DB>, args: A) => Compilable<R>) {
  let compiled: { sql: string; query: CompiledQuery<R>['query']; slots: Array<Slot | unknown> } | undefined;
  const compile = (db: Kysely<DB>) => {
    const slots = Object.fromEntries(names.map((n) => [n, new Slot(n)])) as unknown as A;
    const c = build(db, slots).compile();
    const used = new Set(c.parameters.filter((p): p is Slot => p instanceof Slot).map((p) => p.name));
    const missing = names.filter((n) => !used.has(n));
    if (missing.length) throw new Error(`queryTemplate: ${missing.join(', ')} did not become parameters of: ${c.sql}`);
    return { sql: c.sql, query: c.query, slots: [...c.parameters] };
  };
  return {
    /** Runs the query with `args` on `db` (a Kysely instance or a transaction). */
    async execute(db: Kysely<DB>, args: A): Promise<QueryResult<R>> {
      compiled ??= compile(db); // every store speaks PostgreSQL's dialect (PGlite included), so one compilation serves all
      const parameters = compiled.slots.map((p) => (p instanceof Slot ? args[p.name] : p));
      return db.executeQuery<R>({ sql: compiled.sql, query: compiled.query, parameters, queryId: { queryId: 'template' } } as CompiledQuery<R>);
    },
  };
}
