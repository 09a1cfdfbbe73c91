import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadMasterKey, parseMasterKey } from '../../src/secrets/master-key.ts';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer } from '../../src/server.ts';
import { openTestStore } from '../support/stores.ts';
import { freePort } from '../support/server.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'latchkey-key-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('master key', () => {
  it('comes from LATCHKEY_MASTER_KEY as base64, base64url or hex', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(parseMasterKey(` ${key.toString('hex')}\n`).equals(key)).toBe(true);
    const fromEnv = loadMasterKey(key.toString('base64'), '/nonexistent-dir');
    expect(fromEnv.origin).toBe('env');
    expect(fromEnv.key.equals(key)).toBe(true);
  });

  it('a wrong-length or non-base64 key is a clear ConfigError that does not echo the value', () => {
    for (const bad of [
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('base64'),
      'not base64 at all!!',
      'x'.repeat(43) + '$',
    ]) {
      let err: unknown;
      try {
        loadConfig({ LATCHKEY_MASTER_KEY: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.some((p) => p.startsWith('LATCHKEY_MASTER_KEY must be 32 random bytes'))).toBe(true);
      expect((err as Error).message).not.toContain(bad);
    }
    expect(() => loadConfig({ LATCHKEY_MASTER_KEY: randomBytes(16).toString('base64') })).toThrow(/decodes to 16 bytes/);
  });

  it('is generated into <dataDir>/master.key with mode 0600, and the same file is reused on restart', () => {
    const dir = join(tempDir(), 'data');
    const first = loadMasterKey(undefined, dir);
    expect(first.origin).toBe('generated');
    expect(first.path).toBe(join(dir, 'master.key'));
    expect(statSync(first.path!).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(parseMasterKey(readFileSync(first.path!, 'utf8')).equals(first.key)).toBe(true);
    const again = loadMasterKey(undefined, dir);
    expect(again.origin).toBe('file');
    expect(again.key.equals(first.key)).toBe(true);
  });

  it('refuses a key file others can read, and a corrupt key file', () => {
    const dir = tempDir();
    const path = join(dir, 'master.key');
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o644 });
    chmodSync(path, 0o644);
    expect(() => loadMasterKey(undefined, dir)).toThrow(/permissions 644; it must be 600/);
    chmodSync(path, 0o600);
    writeFileSync(path, 'garbage');
    expect(() => loadMasterKey(undefined, dir)).toThrow(/does not hold a valid master key/);
  });

  it('a server started without LATCHKEY_MASTER_KEY logs a loud warning, and reuses the key on restart', async () => {
    const dataDir = tempDir();
    const lines: Array<{ level: number; msg: string; path?: string }> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const config = loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_PORT: String(await freePort()), LATCHKEY_RATE_LIMIT_PER_MINUTE: '0' });
    const boot = async () => {
      const server = await startServer(config, {
        logger: createLogger('warn', sink),
        store: await openTestStore('pglite'),
        webDist: null,
        listen: false,
      });
      const keyId = server.runtime.envelope.keyId;
      await server.close();
      return keyId;
    };
    const firstKeyId = await boot();
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.some((l) => l.msg.startsWith('LATCHKEY_MASTER_KEY is not set'))).toBe(true);
    expect(warnings.find((l) => /generated a new master key file/.test(l.msg))?.path).toBe(join(dataDir, 'master.key'));
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);

    lines.length = 0;
    expect(await boot()).toBe(firstKeyId);
    expect(lines.some((l) => /generated a new master key file/.test(l.msg))).toBe(false);
    expect(lines.some((l) => l.msg.startsWith('LATCHKEY_MASTER_KEY is not set'))).toBe(true);
  });
});
