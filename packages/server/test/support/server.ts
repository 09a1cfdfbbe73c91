import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import type { Store, StoreKind } from '../../src/store/database.ts';
import { findOp } from '../../src/cli/ops.ts';
import { openTestStore } from './stores.ts';
import { createServer } from 'node:net';

/** A free loopback port, so the public URL (issuer, RP ID) is known before the server boots. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface TestServer extends RunningServer {
  config: Config;
  /** A real admin-API bearer token minted by the same code as `latchkey admin token`. */
  token(options?: { roles?: string[]; scopes?: string[]; userPrincipalName?: string }): Promise<string>;
  /** fetch against the running server with JSON defaults. */
  api(path: string, init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
}

const removeDataDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * A real Latchkey server on a loopback port over a fresh test database of `kind`.
 * The web console is not served unless `webDist` is given.
 */
export async function startTestServer(kind: StoreKind, env: Record<string, string> = {}, opts: { webDist?: string; store?: Store } = {}): Promise<TestServer> {
  // opts.store: a second node on another node's database (bring the same LATCHKEY_MASTER_KEY).
  const store = opts.store ?? (await openTestStore(kind));
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  const config = loadConfig({
    LATCHKEY_PORT: String(await freePort()),
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_LOG_LEVEL: process.env.LATCHKEY_TEST_LOG_LEVEL ?? 'silent',
    LATCHKEY_RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const logger = createLogger(config.logLevel);
  let server: RunningServer;
  try {
    server = await startServer(config, { logger, store, webDist: opts.webDist ?? null });
  } catch (err) {
    removeDataDir(dataDir); // a server that failed to start leaves nothing behind either
    throw err;
  }
  let defaultToken: string | undefined;
  const token: TestServer['token'] = async (o = {}) => {
    const op = findOp('admin.token');
    if (!op) throw new Error('admin.token op is not registered');
    const r = (await op.run(server.runtime, o)) as { accessToken: string };
    return r.accessToken;
  };
  const closeServer = server.close.bind(server);
  return Object.assign(server, {
    config,
    /** Stops the server, then removes its data directory (a fresh one per test server). */
    async close() {
      try {
        await closeServer();
      } finally {
        removeDataDir(dataDir);
      }
    },
    token,
    async api(path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) {
      const bearer = init.token === null ? undefined : (init.token ?? (defaultToken ??= await token()));
      const res = await fetch(server.url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, headers: res.headers };
    },
  });
}
