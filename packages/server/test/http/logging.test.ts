import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { findOp } from '../../src/cli/ops.ts';
import { openTestStore } from '../support/stores.ts';
import { freePort } from '../support/server.ts';

const SECRETS = {
  password: 'hunter2-Pa55word-do-not-log',
  clientSecret: 'cs~client-secret-do-not-log',
  cookie: 'session-cookie-do-not-log',
  code: 'oauth-code-do-not-log',
  masterKey: randomBytes(32).toString('base64'),
};

describe('logs', () => {
  let server: RunningServer;
  let dataDir: string;
  let token: string;
  const lines: string[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-logs-'));
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const config = loadConfig({
      LATCHKEY_PORT: String(await freePort()),
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_MASTER_KEY: SECRETS.masterKey,
      LATCHKEY_RATE_LIMIT_PER_MINUTE: '0',
    });
    server = await startServer(config, { logger: createLogger('trace', sink), store: await openTestStore('pglite'), webDist: null });
    token = ((await findOp('admin.token')!.run(server.runtime, {})) as { accessToken: string }).accessToken;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('carry request ids, and never the Authorization header, cookies, query strings or secret body fields', async () => {
    const headers = { authorization: `Bearer ${token}`, cookie: `lk_session=${SECRETS.cookie}`, 'content-type': 'application/json' };
    const responses = [
      await fetch(`${server.url}/api/v1/auditLogs/directoryAudits?code=${SECRETS.code}&$top=1`, { headers }),
      await fetch(`${server.url}/api/v1/auditLogs/verifyChain`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ password: SECRETS.password, clientSecret: SECRETS.clientSecret }),
      }),
      await fetch(`${server.url}/api/v1/auditLogs/verifyChain`, {
        method: 'POST',
        headers,
        body: `{"password":"${SECRETS.password}", broken`,
      }),
      await fetch(`${server.url}/api/v1/auditLogs/verifyChain`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ expectHead: SECRETS.password }),
      }),
      await fetch(`${server.url}/api/v1/auditLogs/verifyChain`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${token}x` },
        body: JSON.stringify({ password: SECRETS.password }),
      }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 400, 400, 400, 401]);
    const requestId = responses[1]!.headers.get('request-id')!;
    await new Promise((r) => setTimeout(r, 50));

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const [name, secret] of Object.entries({ ...SECRETS, token, tokenSignature: token.split('.')[2]! })) {
      expect(text.includes(secret), `${name} leaked into the logs`).toBe(false);
    }
    const parsed = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { path?: string }; msg?: string });
    expect(parsed.some((l) => l.reqId === requestId)).toBe(true);
    expect(parsed.some((l) => l.req?.path === '/api/v1/auditLogs/directoryAudits')).toBe(true);
  });

  it('redact secret-named fields wherever a module logs them', async () => {
    lines.length = 0;
    server.runtime.logger.info(
      { password: SECRETS.password, user: { clientSecret: SECRETS.clientSecret }, headers: { authorization: 'Bearer abc' } },
      'about a user',
    );
    const text = lines.join('\n');
    expect(text).toContain('about a user');
    expect(text).not.toContain(SECRETS.password);
    expect(text).not.toContain(SECRETS.clientSecret);
    expect(text).toContain('[redacted]');
  });
});
