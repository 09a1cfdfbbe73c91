import type { Pool, PoolClient, QueryConfig } from 'pg';

/** Statements that may be prepared: parameterised DML (Kysely's queries), never DDL or one-off text. */
const DML = /^\s*(select|insert|update|delete|with)\b/i;
const MAX_TEXT = 8_000;

/**
 * Decides which SQL texts run as named (prepared) statements. PostgreSQL then parses and plans a
 * text once per connection instead of on every execution — half of its CPU for a primary-key
 * select on this machine (docs/benchmarks/passkey-signin.md; ADR 0011). A text is named on its
 * second use, so one-off and generated texts (OData filters, IN lists of every length) do not take
 * the slots; at most `maxNames` texts ever get a name (the server keeps a plan per name per
 * connection), the rest run unnamed as before.
 */
export function createStatementNamer(maxNames: number) {
  const names = new Map<string, string>();
  let seen = new Set<string>();
  return {
    nameFor(text: string): string | undefined {
      const named = names.get(text);
      if (named || maxNames <= 0 || names.size >= maxNames || text.length > MAX_TEXT || !DML.test(text)) return named;
      if (!seen.has(text)) {
        if (seen.size >= 10 * maxNames) seen = new Set(); // bounded memory; a forgotten text is just named a little later
        seen.add(text);
        return undefined;
      }
      const name = `lk${names.size.toString(36)}`;
      names.set(text, name);
      return name;
    },
    get size(): number {
      return names.size;
    },
  };
}

type QueryFn = (...args: unknown[]) => unknown;
const patched = new WeakSet<PoolClient>();

/**
 * Makes every client of `pool` run `query(text, values)` (how Kysely calls it) as a named
 * statement when the namer says so. Other call shapes (callbacks, cursors, config objects) pass
 * through untouched. Rolling upgrades: a column added by another node's migration makes
 * PostgreSQL refuse a prepared `select *` ("cached plan must not change result type", 0A000);
 * such a statement is deallocated and retried once unnamed outside a transaction.
 */
export function usePreparedStatements(pool: Pool, maxNames: number): void {
  if (maxNames <= 0) return;
  const namer = createStatementNamer(maxNames);
  pool.on('connect', (client: PoolClient) => {
    if (patched.has(client)) return;
    patched.add(client);
    const original = client.query.bind(client) as QueryFn;
    (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
      const [text, values, callback] = args;
      if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined) return original(...args);
      const name = namer.nameFor(text);
      if (!name) return original(text, values);
      return (original({ name, text, values } satisfies QueryConfig) as Promise<unknown>).catch(async (err: { code?: string; message?: string }) => {
        if (err?.code !== '0A000' || !/cached plan must not change result type/.test(err.message ?? '')) throw err;
        const conn = (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection;
        delete conn.parsedStatements[name];
        await (original(`deallocate ${name}`) as Promise<unknown>).catch(() => undefined);
        return original(text, values);
      });
    };
  });
}
