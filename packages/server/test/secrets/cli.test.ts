import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../support/server.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { masterKeyId } from '../../src/secrets/envelope.ts';
import { runCli } from '../support/cli.ts';

const latchkey = (args: string[], env: Record<string, string>) => runCli(args, env, 60_000);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const audits = async (server: RunningServer, token: string) =>
  (await fetch(`${server.url}/api/v1/auditLogs/directoryAudits?$top=1`, { headers: { authorization: `Bearer ${token}` } })).status;

/** A server on `env` whose log lines are kept, to read its boot report. */
async function serve(env: Record<string, string>): Promise<{ server: RunningServer; log: string[] }> {
  const log: string[] = [];
  const logger = createLogger('info', { write: (s: string) => void log.push(s) });
  return { server: await startServer(loadConfig(env), { logger, webDist: null }), log };
}

describe('master key rotation with the CLI [pglite, embedded data dir] (ADR 0020)', () => {
  it(
    'a new master key with the old one as previous: status, a boot warning, rewrap beside the live server, then the old key can go',
    { timeout: 180_000 },
    async () => {
      const oldKey = randomBytes(32);
      const newKey = randomBytes(32);
      const [oldId, newId] = [masterKeyId(oldKey), masterKeyId(newKey)];
      const base = { LATCHKEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'latchkey-rotate-')), LATCHKEY_PORT: String(await freePort()), LATCHKEY_LOG_LEVEL: 'silent' };
      dirs.push(base.LATCHKEY_DATA_DIR);
      const before = { ...base, LATCHKEY_MASTER_KEY: oldKey.toString('base64') };
      const during = { ...base, LATCHKEY_MASTER_KEY: newKey.toString('base64'), LATCHKEY_PREVIOUS_MASTER_KEYS: oldKey.toString('hex') };
      const after = { ...base, LATCHKEY_MASTER_KEY: newKey.toString('base64') };

      // Under the old key: the signing keys are created and a token minted.
      const minted = await latchkey(['admin', 'token'], before);
      expect(minted.code, minted.stderr).toBe(0);
      const token = minted.stdout.trim();

      const status = await latchkey(['secrets', 'status'], during);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain(`current master key: ${newId}; previous: ${oldId}`);
      expect(status.stdout).toContain(`token signing keys: 2 under ${oldId} (previous)`);
      expect(status.stdout).toContain('OATH token seeds: none');
      expect(status.stdout).toContain('instance secrets: none'); // created when the server mounts the sign-in page
      expect(status.stdout).toContain('2 secret(s) are still under a previous master key: run `latchkey secrets rewrap`.');

      const { server, log } = await serve(during);
      try {
        expect(await audits(server, token)).toBe(200); // the old key still opens the signing keys
        expect(log.join('')).toMatch(/"secrets":2,.*still sealed with a previous master key/);
        const rewrap = await latchkey(['secrets', 'rewrap'], during); // over the control socket
        expect(rewrap.code, rewrap.stderr).toBe(0);
        expect(rewrap.stdout).toBe(
          'rewrapped 2 secret(s) under the current master key\nNothing is sealed with a previous master key any more: LATCHKEY_PREVIOUS_MASTER_KEYS can be removed.\n',
        );
        const json = JSON.parse((await latchkey(['secrets', 'status', '--json'], during)).stdout) as Record<string, unknown>;
        expect(json).toMatchObject({ currentKeyId: newId, underCurrent: 3, underPrevious: 0, underUnknown: 0 }); // with the instance secret sealed at boot
        expect(JSON.stringify(json)).not.toContain(oldKey.toString('hex'));
      } finally {
        await server.close();
      }

      // The old key removed: everything opens with the new key alone, and the token still verifies.
      const { server: again, log: againLog } = await serve(after);
      try {
        expect(await audits(again, token)).toBe(200);
        expect(againLog.join('')).not.toMatch(/master key/);
      } finally {
        await again.close();
      }
      const nothing = await latchkey(['secrets', 'rewrap'], after);
      expect(nothing.code).toBe(1);
      expect(nothing.stderr).toMatch(/Request_BadRequest: No previous master key is configured/);

      // A key that sealed nothing here: status says what cannot be opened, and the server refuses to start.
      const stranger = { ...base, LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') };
      const lost = await latchkey(['secrets', 'status'], stranger);
      expect(lost.code, lost.stderr).toBe(0);
      expect(lost.stdout).toContain(`token signing keys: 2 under ${newId} (NOT CONFIGURED)`);
      expect(lost.stdout).toContain(`instance secrets: 1 under ${newId} (NOT CONFIGURED)`);
      expect(lost.stdout).toContain('3 secret(s) are sealed with a master key that is not configured: they cannot be opened.');
      const refused = serve(stranger);
      await expect(refused).rejects.toThrow(new RegExp(`sealed with master key ${newId}`));
    },
  );

  it('has --help on the secrets commands', async () => {
    const help = await latchkey(['secrets', '--help'], { LATCHKEY_DATA_DIR: '/nonexistent' });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/status/);
    expect(help.stdout).toMatch(/rewrap/);
  });
});
