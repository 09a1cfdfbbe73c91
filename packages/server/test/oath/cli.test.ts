import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openTestStore } from '../support/stores.ts';
import type { Store } from '../../src/store/database.ts';
import { csvOf, makeUser, newSecret } from './support.ts';
import { buildPskc } from './pskc-builder.ts';
import { runCli } from '../support/cli.ts';

const latchkey = (args: string[], env: Record<string, string>) => runCli(args, env, 60_000);

describe('latchkey tokens [postgres, real CLI process]', () => {
  let store: Store & { url?: string };
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-oath-cli-'));
  let env: Record<string, string>;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    env = {
      LATCHKEY_DATABASE_URL: store.url!,
      LATCHKEY_DATA_DIR: dir,
      LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports, refuses a bad file with per-line problems, lists, assigns and unassigns', { timeout: 120_000 }, async () => {
    const user = await makeUser(store, 'cli-oath');
    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      csvOf([
        [user.upn, 'CLI-1', newSecret(), 30, 'Token2', 'C202'],
        ['', 'CLI-2', newSecret(), 60, 'Token2', 'C202'],
      ]),
    );
    const r = await latchkey(['tokens', 'import', good], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('csv: 2 imported (1 assigned), 0 problem(s)');
    expect(r.stderr).toContain('/2 tokens'); // the progress bar, on stderr

    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      csvOf([
        ['', 'CLI-3', newSecret(), 45, 'A', 'B'],
        ['', 'CLI-1', newSecret(), 30, 'A', 'B'],
      ]),
    );
    const refused = await latchkey(['tokens', 'import', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 2 \(CLI-3\): time interval must be 30 or 60/);
    expect(refused.stderr).toMatch(/line 3 \(CLI-1\): serial number already in the inventory/);

    const psk = randomBytes(16);
    const pskc = join(dir, 'keys.xml');
    writeFileSync(pskc, buildPskc([{ serial: 'CLI-P', secret: randomBytes(20) }], psk));
    expect((await latchkey(['tokens', 'import', pskc, '--format', 'pskc', '--psk', randomBytes(16).toString('hex')], env)).code).toBe(1);
    const ok = await latchkey(['tokens', 'import', pskc, '--psk', psk.toString('hex'), '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ format: 'pskc', imported: 1 });

    const list = await latchkey(['tokens', 'list', '--json'], env);
    expect(
      JSON.parse(list.stdout).map((d: { serialNumber: string; status: string; secretKey: null }) => [
        d.serialNumber,
        d.status,
        d.secretKey,
      ]),
    ).toEqual([
      ['CLI-1', 'assigned', null],
      ['CLI-2', 'available', null],
      ['CLI-P', 'available', null],
    ]);
    const assigned = await latchkey(['tokens', 'assign', 'CLI-2', user.upn], env);
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(assigned.stdout).toContain('CLI-2\tassigned');
    const unassigned = await latchkey(['tokens', 'unassign', 'CLI-2'], env);
    expect(unassigned.stdout).toContain('CLI-2\tavailable');
    const help = await latchkey(['tokens', 'import', '--help'], env);
    expect(help.stdout).toContain('--psk <hex>');
  });
});
