import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { openTestStore } from '../support/stores.ts';
import { freePort } from '../support/server.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { ROLE } from '../../src/directory/roles.ts';
import { runCli } from '../support/cli.ts';

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

const latchkey = (args: string[], env: Record<string, string>) => runCli(args, env, 60_000);

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'latchkey-oidc-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const audits = async (server: RunningServer, token: string) =>
  (await fetch(`${server.url}/api/v1/auditLogs/directoryAudits?$top=1`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('latchkey admin token / keys [pglite, embedded data dir]', () => {
  it(
    'works without a server (in-process) and beside a live server (control socket); rotation keeps old tokens valid',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const env = {
        LATCHKEY_DATA_DIR: tempDir(),
        LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
        LATCHKEY_PORT: String(port),
        LATCHKEY_LOG_LEVEL: 'silent',
      };
      const alone = await latchkey(['admin', 'token'], env);
      expect(alone.code, alone.stderr).toBe(0);
      expect(alone.stdout).toMatch(JWT);
      const aloneToken = alone.stdout.trim();
      expect(decodeJwt(aloneToken)).toMatchObject({
        iss: `http://localhost:${port}`,
        upn: 'admin@latchkey.local',
        wids: [ROLE.globalAdministrator],
      });

      const server = await startServer(loadConfig(env), { logger: createLogger('silent'), webDist: null });
      try {
        expect(await audits(server, aloneToken)).toBe(200);
        const beside = await latchkey(['admin', 'token', '--role', 'Global Reader', '--scope', 'AuditLog.Read.All User.Read.All'], env);
        expect(beside.code, beside.stderr).toBe(0);
        expect(beside.stdout).toMatch(JWT);
        const besideToken = beside.stdout.trim();
        expect(decodeJwt(besideToken)).toMatchObject({ wids: [ROLE.globalReader], scp: 'AuditLog.Read.All User.Read.All' });
        expect(await audits(server, besideToken)).toBe(200);

        const list = await latchkey(['keys', 'list', '--json'], env);
        expect(list.code, list.stderr).toBe(0);
        const keys = JSON.parse(list.stdout) as Array<{ kid: string; alg: string; status: string; signing: boolean }>;
        expect(keys.map((k) => [k.alg, k.status, k.signing]).sort()).toEqual([
          ['ES256', 'active', true],
          ['RS256', 'active', true],
        ]);
        expect(decodeProtectedHeader(aloneToken).kid).toBe(keys.find((k) => k.alg === 'ES256')!.kid);

        const rotated = await latchkey(['keys', 'rotate', '--json'], env);
        expect(rotated.code, rotated.stderr).toBe(0);
        const { added } = JSON.parse(rotated.stdout) as { added: string[] };
        expect(added).toHaveLength(2);
        const fresh = (await latchkey(['admin', 'token'], env)).stdout.trim();
        expect(added).toContain(decodeProtectedHeader(fresh).kid);
        expect(await audits(server, fresh)).toBe(200);
        expect(await audits(server, aloneToken)).toBe(200);

        const bad = await latchkey(['admin', 'token', '--role', 'Supreme Leader'], env);
        expect(bad.code).toBe(1);
        expect(bad.stdout).toBe('');
        expect(bad.stderr).toMatch(/Request_BadRequest: Unknown directory role/);
      } finally {
        await server.close();
      }
    },
  );

  it('has --help on admin token and keys commands', async () => {
    const env = { LATCHKEY_DATA_DIR: tempDir() };
    const token = await latchkey(['admin', 'token', '--help'], env);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/--scope <scopes>/);
    expect(token.stdout).toMatch(/--role <role>/);
    const keys = await latchkey(['keys', '--help'], env);
    expect(keys.stdout).toMatch(/rotate/);
    expect(keys.stdout).toMatch(/retire/);
  });
});

describe('latchkey admin token [postgres]', () => {
  it(
    'mints in-process against PostgreSQL a token the running server accepts, also after a rotation NOTIFY',
    { timeout: 120_000 },
    async () => {
      const store = await openTestStore('postgres');
      const port = await freePort();
      const env = {
        LATCHKEY_DATABASE_URL: store.url!,
        LATCHKEY_DATA_DIR: tempDir(),
        LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
        LATCHKEY_PORT: String(port),
        LATCHKEY_LOG_LEVEL: 'silent',
      };
      const server = await startServer(loadConfig(env), { logger: createLogger('silent'), webDist: null, store });
      try {
        const r = await latchkey(['admin', 'token'], env);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(JWT);
        expect(await audits(server, r.stdout.trim())).toBe(200);
        expect((await latchkey(['keys', 'rotate'], env)).code).toBe(0);
        const after = (await latchkey(['admin', 'token'], env)).stdout.trim();
        expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(r.stdout.trim()).kid);
        expect(await audits(server, after)).toBe(200);
        expect(await audits(server, r.stdout.trim())).toBe(200);
      } finally {
        await server.close();
      }
    },
  );
});
