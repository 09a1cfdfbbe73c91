import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openTestStore } from '../support/stores.ts';
import { getMethodConfiguration } from '../../src/policy/authentication-methods/read.ts';
import { insertGroup, insertUser, policySnapshot } from './fixtures.ts';
import { runCli } from '../support/cli.ts';

const latchkey = (args: string[], env: Record<string, string>) => runCli(args, env);

const dir = mkdtempSync(join(tmpdir(), 'latchkey-authmethods-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('latchkey auth-methods … [postgres]', () => {
  it('enables a method with targets, shows it, explains a user, and refuses bad input without writing', { timeout: 90_000 }, async () => {
    const store = await openTestStore('postgres');
    try {
      const env = {
        LATCHKEY_DATABASE_URL: store.url!,
        LATCHKEY_DATA_DIR: dir,
        LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
        LATCHKEY_LOG_LEVEL: 'silent',
      };
      const group = await insertGroup(store.db);
      await insertUser(store.db, 'cli-user@example.test');

      const enable = await latchkey(['auth-methods', 'enable', 'fido2', '--include', 'all_users', '--exclude', group], env);
      expect(enable.stderr).toBe('');
      expect(enable.stdout).toContain('fido2: enabled');
      expect((await getMethodConfiguration(store.db, 'Fido2')).configuration).toMatchObject({
        state: 'enabled',
        excludeTargets: [{ targetType: 'group', id: group }],
      });

      const show = await latchkey(['auth-methods', 'show'], env);
      expect(show.stdout).toMatch(/Fido2\s+enabled\s+all_users\s+[0-9a-f-]{36}/);

      const explain = await latchkey(['auth-methods', 'explain', 'cli-user@example.test'], env);
      expect(explain.stdout).toContain('usable Fido2, Password');
      expect(explain.stdout).toContain('Fido2 is enabled for all users');

      const snap = await policySnapshot(store.db);
      const bad = await latchkey(['auth-methods', 'set', 'TemporaryAccessPass', '--body', '{"defaultLifetimeInMinutes":9999}'], env);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/between minimumLifetimeInMinutes/);
      expect(await policySnapshot(store.db)).toBe(snap);

      const help = await latchkey(['auth-methods', '--help'], env);
      expect(help.stdout).toContain('exclude wins over include');
    } finally {
      await store.close();
    }
  });
});
