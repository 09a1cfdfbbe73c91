import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one embedded PGlite instance as the `pg`-style pool Kysely's PostgresDialect expects.
 * PGlite is a single connection, so the pool is a mutex: a transaction holds the connection from
 * BEGIN to COMMIT and other work waits, which gives the same isolation a real pool would.
 */
export function pglitePool(db: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();
  const acquire = async (): Promise<() => void> => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const previous = tail;
    tail = previous.then(() => held);
    await previous;
    return release;
  };
  return {
    options: {},
    async connect(): Promise<PostgresPoolClient> {
      const release = await acquire();
      let released = false;
      return {
        async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
          const result = await db.query<R>(sql, parameters as unknown[]);
          return { command: commandOf(sql), rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
        },
        release() {
          if (!released) {
            released = true;
            release();
          }
        },
      } as PostgresPoolClient;
    },
    async end() {
      const release = await acquire();
      try {
        if (!db.closed) await db.close();
      } finally {
        release();
      }
    },
  };
}

/** The statement's verb: the first of SELECT/INSERT/UPDATE/DELETE/MERGE outside parentheses (so CTEs work). */
function commandOf(sql: string): PostgresQueryResult<unknown>['command'] {
  let depth = 0;
  for (const m of sql.matchAll(/[()]|[A-Za-z_]+/g)) {
    const t = m[0];
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (depth === 0) {
      const w = t.toUpperCase();
      if (w === 'INSERT' || w === 'UPDATE' || w === 'DELETE' || w === 'MERGE') return w;
      if (w === 'SELECT' || w === 'VALUES') return 'SELECT';
    }
  }
  return 'SELECT';
}
