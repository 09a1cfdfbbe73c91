import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { unsafeDefaults, type Config } from './config/load.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import type { Store } from './store/database.ts';
import { buildApp } from './http/app.ts';
import { acquireLock, socketPathFor, startControlServer } from './cli/control.ts';
import { createOidc, type Oidc } from './oidc/index.ts';
import { listenForConditionalAccessChanges } from './policy/conditional-access/changes.ts';
import { mountSignIn } from './signin/index.ts';
import { ensureFirstAdmin, type BootstrapResult } from './bootstrap.ts';
import { startHousekeeping } from './jobs/housekeeping.ts';
import { installKeyCache } from './methods/passkey/key-cache.ts';
import './cli/all-ops.ts';
import { reportSealedSecrets } from './secrets/boot-report.ts';

export interface RunningServer {
  app: FastifyInstance;
  runtime: Runtime;
  /** Where the server listens, e.g. http://127.0.0.1:8080. */
  url: string;
  bootstrap: BootstrapResult;
  close(): Promise<void>;
}

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface StartOptions {
  logger: Logger;
  /** Serve the console from here; defaults to packages/web/dist when built. */
  webDist?: string | null;
  /** For tests: in-memory PGlite. */
  pgliteDataDir?: string;
  /** For tests: an already open (migrated) store; no lock or control socket is used. */
  store?: Store;
  /** Listen (default true); tests may use app.inject instead. */
  listen?: boolean;
  /** Run the housekeeping jobs (default true); the second and later workers of one host leave them to the first. */
  backgroundJobs?: boolean;
}

/** Boots one Latchkey node: store and migrations, keys, first admin, HTTP, control socket. */
export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const { logger } = options;
  for (const w of unsafeDefaults(config)) logger.warn(w);
  const embedded = !config.databaseUrl && !options.pgliteDataDir && !options.store;
  const socket = embedded ? socketPathFor(config.dataDir) : null;
  const releaseLock = embedded ? acquireLock(config.dataDir, socket) : () => {};
  let runtime: Runtime | undefined;
  let oidc: Oidc | undefined;
  try {
    runtime = await openRuntime(config, logger, { ...(options.pgliteDataDir ? { pgliteDataDir: options.pgliteDataDir } : {}), ...(options.store ? { store: options.store } : {}) });
    if (runtime.masterKey.origin === 'generated') logger.warn({ path: runtime.masterKey.path }, 'generated a new master key file; back it up');
    await reportSealedSecrets(runtime.store.db, runtime.envelope, logger);
    const o = (oidc = await createOidc(runtime));
    const bootstrap = await ensureFirstAdmin(runtime.store.db, config.bootstrapAdminUpn);
    const webDist = options.webDist === null ? undefined : (options.webDist ?? (existsSync(DEFAULT_WEB_DIST) ? DEFAULT_WEB_DIST : undefined));
    const app = await buildApp(
      { config, store: runtime.store, envelope: runtime.envelope, logger, tokens: o.tokens },
      { extend: [(a) => o.mount(a), mountSignIn(runtime, o.provider)], webDist },
    );
    let url = config.publicUrl.origin;
    if (options.listen !== false) {
      url = await app.listen({ host: config.host, port: config.port });
    } else {
      await app.ready();
    }
    const control = socket ? await startControlServer(runtime, socket) : undefined;
    const keyCache = await installKeyCache();
    if (!keyCache.installed) logger.warn('passkey public-key cache unavailable (SimpleWebAuthn internals changed); verifications run uncached');
    const stopHousekeeping = options.backgroundJobs === false ? async () => {} : startHousekeeping(runtime.store.db, logger);
    await listenForConditionalAccessChanges(runtime.store); // other nodes' policy changes (migration 0015)
    const rt = runtime;
    return {
      app,
      runtime: rt,
      url,
      bootstrap,
      async close() {
        control?.close();
        await stopHousekeeping();
        await app.close();
        o.close();
        await rt.close();
        releaseLock();
      },
    };
  } catch (err) {
    oidc?.close();
    await runtime?.close().catch(() => {});
    releaseLock();
    throw err;
  }
}
