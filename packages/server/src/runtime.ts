import type { Logger } from 'pino';
import type { Config } from './config/load.ts';
import { openStore, type Store } from './store/database.ts';
import { migrateToLatest } from './store/migrate.ts';
import { loadMasterKey, type MasterKeySource } from './secrets/master-key.ts';
import { createEnvelope, type Envelope } from './secrets/envelope.ts';

/** What both `serve` and a CLI command that owns the database need: config, store, secrets, logger. */
export interface Runtime {
  config: Config;
  store: Store;
  envelope: Envelope;
  masterKey: MasterKeySource;
  logger: Logger;
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /** For tests: an in-memory or pre-made PGlite directory. */
  pgliteDataDir?: string;
  /** For tests: an already open store (the runtime closes it). */
  store?: Store;
}

export async function openRuntime(config: Config, logger: Logger, options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const masterKey = loadMasterKey(config.masterKey, config.dataDir, config.previousMasterKeys);
  const envelope = createEnvelope(masterKey.key, masterKey.previous);
  const store = options.store ?? await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    preparedStatements: config.databasePreparedStatements,
    ssl: config.databaseSsl,
    sslCaFile: config.databaseSslCa,
    ...(options.pgliteDataDir ? { pgliteDataDir: options.pgliteDataDir } : {}),
  });
  try {
    if (options.migrate !== false) await migrateToLatest(store.db);
  } catch (err) {
    await store.close();
    throw err;
  }
  return { config, store, envelope, masterKey, logger, close: () => store.close() };
}
