import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import type { DB } from './schema.ts';
import { pglitePool } from './pglite-pool.ts';
import { runsOneStatementAtATime } from './batched-statement.ts';
import { usePreparedStatements } from './prepared-statements.ts';

export type StoreKind = 'pglite' | 'postgres';

export interface StoreOptions {
  /** PostgreSQL URL; when undefined the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  poolMax?: number;
  statementTimeoutMs?: number;
  /** PostgreSQL: how many distinct SQL texts may run as prepared statements (0 = none); see prepared-statements.ts. */
  preparedStatements?: number;
  ssl?: 'prefer-url' | 'disable' | 'require' | 'verify-full';
  sslCaFile?: string | undefined;
  /** For tests: an in-memory PGlite (`memory://`) instead of files. */
  pgliteDataDir?: string;
}

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<DB>;
  /** Postgres NOTIFY, the multi-node fan-out channel (relay, push). */
  notify(channel: string, payload: string): Promise<void>;
  /** Postgres LISTEN; returns an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Opens the database the configuration names. Does not run migrations (see `migrate.ts`). */
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

async function openPglite(options: StoreOptions): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  let dir = options.pgliteDataDir;
  if (!dir) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    dir = join(options.dataDir, 'pglite');
  }
  const pg = await PGlite.create(dir === 'memory://' ? undefined : dir);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pglitePool(pg) }) });
  runsOneStatementAtATime(db);
  return {
    kind: 'pglite',
    db,
    async notify(channel, payload) {
      await pg.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async listen(channel, onMessage) {
      const unsub = await pg.listen(channel, onMessage);
      return async () => unsub();
    },
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const pgModule = await import('pg');
  const pg = pgModule.default;
  const ssl = sslOption(options);
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      // int8 (20) as number: our bigint columns are sequence numbers, far below 2^53.
      if (oid === 20) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    ...(ssl === undefined ? {} : { ssl }),
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    // TCP keepalive: a pooled connection whose peer vanished (a partition, a failover) is noticed
    // by the kernel instead of hanging the next statement on it.
    keepAlive: true,
    types,
  } as import('pg').PoolConfig);
  // No JIT compilation: every statement Latchkey sends is a short OLTP statement, and JIT costs
  // milliseconds per execution once a plan's estimate passes jit_above_cost — which stale statistics
  // after a bulk import made the batched OATH read do (17 ms of JIT for a 0.3 ms query; ADR 0013).
  pool.on('connect', (client) => {
    client.query('set jit = off').catch(() => {
      /* a server without the setting: nothing to turn off */
    });
  });
  usePreparedStatements(pool, options.preparedStatements ?? 500);
  pool.on('error', () => {
    /* idle client errors are surfaced on the next query; never crash the process */
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as PostgresPool }) });
  const listeners = new Map<string, Set<(p: string) => void>>();
  let listenClient: import('pg').PoolClient | undefined;
  const ensureListener = async () => {
    if (listenClient) return listenClient;
    listenClient = await pool.connect();
    listenClient.on('notification', (msg) => {
      for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    return listenClient;
  };
  return {
    kind: 'postgres',
    db,
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async listen(channel, onMessage) {
      const client = await ensureListener();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
      };
    },
    async close() {
      listenClient?.release();
      await db.destroy();
    },
  };
}

function sslOption(o: StoreOptions): undefined | false | { rejectUnauthorized: boolean; ca?: string } {
  switch (o.ssl ?? 'prefer-url') {
    case 'prefer-url':
      return undefined;
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(o.sslCaFile ? { ca: readFileSync(o.sslCaFile, 'utf8') } : {}) };
  }
}

const quoteIdent = (s: string): string => `"${s.replaceAll('"', '""')}"`;
