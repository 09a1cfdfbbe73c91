import { describe, expect, it, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openTestStore } from '../support/stores.ts';
import { recordAudit } from '../../src/audit/record.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openRuntime } from '../../src/runtime.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer } from '../../src/server.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.ts';
import { BIN, runCli } from '../support/cli.ts';

const latchkey = (args: string[], env: Record<string, string>) => runCli(args, env);

async function seed(db: Kysely<DB>, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await recordAudit(db, systemContext(`cli-${i}`), {
      category: i % 2 ? 'UserManagement' : 'Policy',
      activity: `Activity ${i}`,
      operationType: 'Update',
      targets: [{ id: `t${i}`, type: 'Other', displayName: `target ${i}` }],
    });
  }
}

async function tamper(db: Kysely<DB>, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
    await statement.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
  });
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'latchkey-audit-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('latchkey audit … [postgres]', () => {
  it(
    'verify exits 0 on an honest chain and 1 naming the exact entry after tampering; list filters and pages',
    { timeout: 90_000 },
    async () => {
      const store = await openTestStore('postgres');
      try {
        await seed(store.db, 5);
        const env = {
          LATCHKEY_DATABASE_URL: store.url!,
          LATCHKEY_DATA_DIR: tempDir(),
          LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
        };

        const ok = await latchkey(['audit', 'verify'], env);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toMatch(/audit chain OK: 5 entries verified/);
        const anchor = /head: (\d+:[0-9a-f]{64})/.exec(ok.stdout)![1]!;
        expect(anchor.startsWith('5:')).toBe(true);

        // On a terminal, verify draws a cli-progress bar on stderr (util-linux `script` gives it a pty).
      const tty = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile('script', ['-qec', `'${process.execPath}' '${BIN}' audit verify`, '/dev/null'], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm', ...env }, timeout: 30_000 }, (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: String(stdout) }),
        );
      });
      expect(tty.code, tty.out).toBe(0);
      expect(tty.out).toMatch(/verifying audit chain \[.*\] 5\/5 entries/);
      expect(tty.out).toMatch(/audit chain OK: 5 entries verified/);

      const list = await latchkey(['audit', 'list', '--top', '2', '--filter', "category eq 'UserManagement'", '--json'], env);
        expect(list.code, list.stderr).toBe(0);
        const page = JSON.parse(list.stdout) as { value: Array<{ activityDisplayName: string }>; nextSkipToken: string };
        expect(page.value.map((e) => e.activityDisplayName)).toEqual(['Activity 5', 'Activity 3']);
        const next = await latchkey(
          ['audit', 'list', '--top', '2', '--filter', "category eq 'UserManagement'", '--skip-token', page.nextSkipToken, '--json'],
          env,
        );
        expect(JSON.parse(next.stdout)).toMatchObject({ value: [{ activityDisplayName: 'Activity 1' }], nextSkipToken: null });

        const human = await latchkey(['audit', 'list', '--top', '1'], env);
        expect(human.stdout).toMatch(/activityDateTime\s+category\s+activity/);
        expect(human.stdout).toMatch(/more: --skip-token /);

        const badFilter = await latchkey(['audit', 'list', '--filter', 'category eq'], env);
        expect(badFilter.code).toBe(1);
        expect(badFilter.stderr).toMatch(/Request_BadRequest: Invalid \$filter/);

        await tamper(store.db, sql`update audit_log set result = 'failure' where seq = 3`);
        const broken = await latchkey(['audit', 'verify'], env);
        expect(broken.code).toBe(1);
        expect(broken.stdout).toMatch(/first broken: entry 3 \[edited\]/);
        expect(broken.stderr).toMatch(/audit chain broken at entry 3 \(edited\)/);

        await tamper(store.db, sql`delete from audit_log where seq >= 3`);
        const truncated = await latchkey(['audit', 'verify', '--expect-head', anchor, '--json'], env);
        expect(truncated.code).toBe(1);
        expect(JSON.parse(truncated.stdout)).toMatchObject({ ok: false, firstBroken: { kind: 'truncated' }, anchor: { found: false } });
      } finally {
        await store.close();
      }
    },
  );

  it('has --help on every audit command', async () => {
    const env = { LATCHKEY_DATA_DIR: tempDir() };
    const verify = await latchkey(['audit', 'verify', '--help'], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/--expect-head <anchor>/);
    const list = await latchkey(['audit', 'list', '--help'], env);
    expect(list.stdout).toMatch(/--filter <expr>/);
  });
});

describe('latchkey audit verify [pglite, embedded data dir]', () => {
  it('works on the embedded database alone and beside a live server (through its control socket)', { timeout: 90_000 }, async () => {
    const dataDir = tempDir();
    const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'), LATCHKEY_PORT: '0' };
    const config = loadConfig(env);
    const logger = createLogger('silent');
    const rt = await openRuntime(config, logger);
    await seed(rt.store.db, 4);
    await tamper(rt.store.db, sql`update audit_log set activity_display_name = 'Nothing happened' where seq = 2`);
    await rt.close();

    const alone = await latchkey(['audit', 'verify'], env);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toMatch(/first broken: entry 2 \[edited\]/);

    const server = await startServer(config, { logger, webDist: null });
    try {
      const beside = await latchkey(['audit', 'verify', '--json'], env);
      expect(beside.code).toBe(1);
      expect(JSON.parse(beside.stdout)).toMatchObject({ ok: false, firstBroken: { kind: 'edited', seq: 2 } });
    } finally {
      await server.close();
    }
  });
});
