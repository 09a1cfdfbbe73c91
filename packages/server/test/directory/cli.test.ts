import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer } from '../../src/server.ts';
import { transitiveGroupIdsOfUser } from '../../src/directory/membership-repository.ts';
import { findUserRowByUpn } from '../../src/directory/users-repository.ts';
import { runCli } from '../support/cli.ts';

const latchkey = (args: string[], env: Record<string, string>) => runCli(args, env);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('latchkey users|groups|roles beside a live server [pglite, embedded data dir]', () => {
  it('changes the directory through the control socket and reports errors on one line', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-dir-cli-'));
    dirs.push(dataDir);
    const env = {
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_PORT: '0',
      LATCHKEY_LOG_LEVEL: 'silent',
    };
    const server = await startServer(loadConfig(env), { logger: createLogger('silent'), webDist: null });
    try {
      const created = await latchkey(['users', 'create', '--upn', 'ops@contoso.example', '--name', 'Ops Person', '--json'], env);
      expect(created.code, created.stderr).toBe(0);
      const user = JSON.parse(created.stdout) as { id: string; accountEnabled: boolean };
      expect(user.accountEnabled).toBe(true);

      const dup = await latchkey(['users', 'create', '--upn', 'OPS@contoso.example', '--name', 'Again'], env);
      expect(dup.code).toBe(1);
      expect(dup.stderr).toMatch(/^error: Request_Conflict: /);

      expect((await latchkey(['groups', 'create', '--name', 'Night Shift'], env)).code).toBe(0);
      expect((await latchkey(['groups', 'create', '--name', 'Operations'], env)).code).toBe(0);
      expect((await latchkey(['groups', 'add-member', 'Night Shift', 'ops@contoso.example'], env)).stdout).toMatch(/added user/);
      expect((await latchkey(['groups', 'add-member', 'Operations', 'Night Shift'], env)).stdout).toMatch(/added group/);
      const members = await latchkey(['groups', 'members', 'Operations', '--transitive', '--json'], env);
      expect((JSON.parse(members.stdout) as { value: Array<{ id: string }> }).value.map((m) => m.id)).toContain(user.id);

      const assigned = await latchkey(['roles', 'assign', 'ops@contoso.example', 'Helpdesk Administrator'], env);
      expect(assigned.code, assigned.stderr).toBe(0);
      const lastGa = await latchkey(['roles', 'unassign', 'admin@latchkey.local', 'Global Administrator'], env);
      expect(lastGa.code).toBe(1);
      expect(lastGa.stderr).toMatch(/last Global Administrator/);

      // The live server sees every change (same database, written inside it).
      const db = server.runtime.store.db;
      expect((await findUserRowByUpn(db, 'ops@contoso.example'))?.id).toBe(user.id);
      expect(await transitiveGroupIdsOfUser(db, user.id)).toHaveLength(2);
      const list = await latchkey(['users', 'list', '--filter', "startswith(userPrincipalName,'ops')", '--count'], env);
      expect(list.stdout).toMatch(/ops@contoso\.example\s+Ops Person\s+true/);
      expect(list.stdout).toMatch(/total: 1/);
    } finally {
      await server.close();
    }
  });

  it('has --help on every directory command', { timeout: 60_000 }, async () => {
    const env = { LATCHKEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'latchkey-dir-cli-')) };
    dirs.push(env.LATCHKEY_DATA_DIR);
    for (const [args, expected] of [
      [['users', '--help'], /disable \[options\] <user>/],
      [['users', 'create', '--help'], /--upn <userPrincipalName>/],
      [['groups', '--help'], /add-member \[options\] <group> <member>/],
      [['groups', 'members', '--help'], /--transitive/],
      [['roles', '--help'], /unassign \[options\] <principal> <role>/],
    ] as const) {
      const r = await latchkey([...args], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(expected);
    }
  });
});
