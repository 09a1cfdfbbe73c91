import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openTestStore } from '../../support/stores.ts';
import { adminContext, assignRole, insertUser } from '../fixtures.ts';
import { createConditionalAccessPolicy } from '../../../src/policy/conditional-access/policies.ts';
import { GA, PHISHING } from '../conditional-access/helpers.ts';
import { runCli } from '../../support/cli.ts';

const latchkey = (args: string[], env: Record<string, string>) => runCli(args, env, 60_000);

const dir = mkdtempSync(join(tmpdir(), 'latchkey-policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('latchkey policy … [postgres]', () => {
  it(
    'analyze prints who is locked out and why, exit code 2; --json gives the report; list shows policies',
    { timeout: 120_000 },
    async () => {
      const store = await openTestStore('postgres');
      try {
        const env = {
          LATCHKEY_DATABASE_URL: store.url!,
          LATCHKEY_DATA_DIR: dir,
          LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
          LATCHKEY_LOG_LEVEL: 'silent',
        };
        const clean = await latchkey(['policy', 'analyze'], env);
        expect(clean.stdout).toContain('Nobody is locked out.');
        expect(clean.code).toBe(0);

        const admin = await insertUser(store.db, 'cli-admin@example.test');
        await assignRole(store.db, admin, GA);
        await store.db
          .insertInto('user_passwords')
          .values({
            user_id: admin,
            hash: '$argon2id$v=19$m=19456,t=2,p=1$x$y',
            enabled: true,
            created_at: new Date(),
            updated_at: new Date(),
          })
          .execute();
        await createConditionalAccessPolicy(
          store.db,
          adminContext(),
          {
            displayName: 'CA999',
            state: 'enabled',
            conditions: { users: { includeRoles: [GA] }, applications: { includeApplications: ['All'] } },
            grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING } },
          },
          true,
        );
        const locked = await latchkey(['policy', 'analyze'], env);
        expect(locked.code).toBe(2);
        expect(locked.stdout).toContain('cli-admin@example.test (Global Administrator)');
        expect(locked.stdout).toContain('CA999 needs Phishing-resistant MFA');
        const json = await latchkey(['policy', 'analyze', '--json'], env);
        expect(JSON.parse(json.stdout).lockedOutUsers.map((u: { id: string }) => u.id)).toContain(admin);
        const list = await latchkey(['policy', 'list'], env);
        expect(list.stdout).toContain('CA999');
        expect((await latchkey(['policy', '--help'], env)).stdout).toContain('analyze');
      } finally {
        await store.close();
      }
    },
  );
});
