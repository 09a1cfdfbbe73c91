import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, configTableMarkdown, loadConfig, unsafeDefaults } from '../../src/config/load.ts';
import { OPTIONS, type OptionSpec } from '../../src/config/defaults.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, '/srv/latchkey');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

const MASTER = randomBytes(32).toString('base64');
const PREVIOUS = randomBytes(32).toString('base64');
const PREVIOUS_HEX = randomBytes(32).toString('hex');
/** A valid, non-default value for every option, and what the parsed Config must then hold. */
const SAMPLES: Record<string, { value: string; expect: (c: ReturnType<typeof loadConfig>) => unknown; want: unknown }> = {
  host: { value: '0.0.0.0', expect: (c) => c.host, want: '0.0.0.0' },
  port: { value: '9443', expect: (c) => c.port, want: 9443 },
  publicUrl: {
    value: 'https://id.example.com',
    expect: (c) => [c.publicUrl.origin, c.rpId, c.issuer],
    want: ['https://id.example.com', 'id.example.com', 'https://id.example.com'],
  },
  dataDir: { value: 'state', expect: (c) => c.dataDir, want: '/srv/latchkey/state' },
  databaseUrl: { value: 'postgres://lk:pw@db:5432/lk', expect: (c) => c.databaseUrl, want: 'postgres://lk:pw@db:5432/lk' },
  databasePoolMax: { value: '25', expect: (c) => c.databasePoolMax, want: 25 },
  databaseStatementTimeoutMs: { value: '0', expect: (c) => c.databaseStatementTimeoutMs, want: 0 },
  databaseSsl: { value: 'verify-full', expect: (c) => c.databaseSsl, want: 'verify-full' },
  databaseSslCa: { value: '/etc/ssl/ca.pem', expect: (c) => c.databaseSslCa, want: '/etc/ssl/ca.pem' },
  masterKey: { value: MASTER, expect: (c) => c.masterKey, want: MASTER },
  previousMasterKeys: { value: `${PREVIOUS}, ${PREVIOUS_HEX}`, expect: (c) => c.previousMasterKeys, want: `${PREVIOUS}, ${PREVIOUS_HEX}` },
  logLevel: { value: 'debug', expect: (c) => c.logLevel, want: 'debug' },
  bootstrapAdminUpn: { value: 'root@corp.example', expect: (c) => c.bootstrapAdminUpn, want: 'root@corp.example' },
  nodeCountHint: { value: '3', expect: (c) => c.nodeCountHint, want: 3 },
  bodyLimitBytes: { value: '2048', expect: (c) => c.bodyLimitBytes, want: 2048 },
  rateLimitPerMinute: { value: '0', expect: (c) => c.rateLimitPerMinute, want: 0 },
  trustedProxies: { value: '10.0.0.1, 10.1.0.0/16', expect: (c) => c.trustedProxies, want: ['10.0.0.1', '10.1.0.0/16'] },
  adminTokenTtlSeconds: { value: '300', expect: (c) => c.adminTokenTtlSeconds, want: 300 },
};

describe('configuration', () => {
  it('documents every option with a LATCHKEY_ variable, a file key and a sentence, in the generated table', () => {
    const table = configTableMarkdown();
    for (const o of OPTIONS) {
      expect(o.env).toMatch(/^LATCHKEY_[A-Z0-9_]+$/);
      expect(o.description.length).toBeGreaterThan(10);
      expect(table).toContain(`\`${o.env}\``);
    }
    expect(new Set(OPTIONS.map((o) => o.env)).size).toBe(OPTIONS.length);
  });

  it('has the contract defaults', () => {
    const c = loadConfig({}, '/srv/latchkey');
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: '/srv/latchkey/data',
      databaseUrl: undefined,
      masterKey: undefined,
      rateLimitPerMinute: 600,
      bodyLimitBytes: 1048576,
    });
    expect(c.publicUrl.origin).toBe('http://localhost:8080');
    expect(loadConfig({ LATCHKEY_PORT: '9000' }).publicUrl.origin).toBe('http://localhost:9000');
  });

  it('parses every option from the environment', () => {
    const env: Record<string, string> = {};
    for (const o of OPTIONS) if (SAMPLES[o.key]) env[o.env] = SAMPLES[o.key]!.value;
    const c = loadConfig(env, '/srv/latchkey');
    for (const [key, s] of Object.entries(SAMPLES)) expect(s.expect(c), key).toEqual(s.want);
    // Options added later without a sample here: at least their default must reach the Config.
    for (const o of (OPTIONS as readonly OptionSpec[]).filter(
      (x) => !SAMPLES[x.key] && x.key !== 'configFile' && x.default !== undefined,
    )) {
      const value = (c as unknown as Record<string, unknown>)[o.key];
      const d = o.default!;
      expect(value, o.env).toEqual(o.kind === 'int' ? Number(d) : o.kind === 'list' ? (d ? d.split(',') : []) : d);
    }
  });

  it('reads a JSON config file; the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-config-'));
    dirs.push(dir);
    const file = join(dir, 'latchkey.json');
    writeFileSync(file, JSON.stringify({ port: 7000, host: '::1', trustedProxies: ['10.0.0.1', '10.0.0.2'], logLevel: 'warn' }));
    const c = loadConfig({ LATCHKEY_CONFIG_FILE: file, LATCHKEY_LOG_LEVEL: 'error' });
    expect(c).toMatchObject({ port: 7000, host: '::1', trustedProxies: ['10.0.0.1', '10.0.0.2'], logLevel: 'error' });
    writeFileSync(file, JSON.stringify({ prot: 1, port: 'many' }));
    const problems = problemsOf({ LATCHKEY_CONFIG_FILE: file });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('unknown option "prot"'),
        expect.stringContaining('LATCHKEY_PORT must be an integer'),
      ]),
    );
    expect(problemsOf({ LATCHKEY_CONFIG_FILE: join(dir, 'missing.json') })[0]).toMatch(/LATCHKEY_CONFIG_FILE .*missing\.json/);
    writeFileSync(file, '[1,2]');
    expect(problemsOf({ LATCHKEY_CONFIG_FILE: file })[0]).toMatch(/not a JSON object/);
  });

  it('checks LATCHKEY_PREVIOUS_MASTER_KEYS key by key without echoing a value, and refuses the current key among them', () => {
    const bad = problemsOf({ LATCHKEY_MASTER_KEY: MASTER, LATCHKEY_PREVIOUS_MASTER_KEYS: `${PREVIOUS},not-a-key!` });
    expect(bad).toEqual([expect.stringMatching(/^LATCHKEY_PREVIOUS_MASTER_KEYS: key 2 is not valid: each key must be 32 random bytes/)]);
    expect(bad.join()).not.toContain(PREVIOUS);
    expect(problemsOf({ LATCHKEY_MASTER_KEY: MASTER, LATCHKEY_PREVIOUS_MASTER_KEYS: `${PREVIOUS},${Buffer.from(MASTER, 'base64').toString('hex')}` })).toEqual([
      'LATCHKEY_PREVIOUS_MASTER_KEYS must not contain LATCHKEY_MASTER_KEY itself',
    ]);
    expect(problemsOf({ LATCHKEY_PREVIOUS_MASTER_KEYS: `${PREVIOUS},${randomBytes(16).toString('base64')}` })[0]).toMatch(/key 2 is not valid: .*decodes to 16 bytes/);
    expect(problemsOf({ LATCHKEY_MASTER_KEY: MASTER, LATCHKEY_PREVIOUS_MASTER_KEYS: ` ${PREVIOUS} ` })).toEqual([]);
  });

  it('reports every invalid value at once', () => {
    const problems = problemsOf({
      LATCHKEY_PORT: '70000',
      LATCHKEY_PUBLIC_URL: 'http://id.example.com',
      LATCHKEY_DATABASE_URL: 'mysql://x',
      LATCHKEY_DATABASE_POOL_MAX: '0',
      LATCHKEY_DATABASE_SSL: 'sometimes',
      LATCHKEY_MASTER_KEY: 'short',
      LATCHKEY_LOG_LEVEL: 'loud',
      LATCHKEY_BOOTSTRAP_ADMIN_UPN: 'admin',
      LATCHKEY_BODY_LIMIT_BYTES: '12',
      LATCHKEY_RATE_LIMIT_PER_MINUTE: '-1',
      LATCHKEY_ADMIN_TOKEN_TTL_SECONDS: '1.5',
    });
    const expected = [
      'LATCHKEY_PORT',
      'LATCHKEY_PUBLIC_URL must use https',
      'LATCHKEY_DATABASE_URL',
      'LATCHKEY_DATABASE_POOL_MAX',
      'LATCHKEY_DATABASE_SSL',
      'LATCHKEY_MASTER_KEY',
      'LATCHKEY_LOG_LEVEL',
      'LATCHKEY_BOOTSTRAP_ADMIN_UPN',
      'LATCHKEY_BODY_LIMIT_BYTES',
      'LATCHKEY_RATE_LIMIT_PER_MINUTE',
      'LATCHKEY_ADMIN_TOKEN_TTL_SECONDS',
    ];
    for (const e of expected)
      expect(
        problems.some((p) => p.startsWith(e)),
        e,
      ).toBe(true);
    expect(problems).toHaveLength(expected.length);
    expect(problems.join('\n')).not.toContain('short');
    expect(problemsOf({ LATCHKEY_PUBLIC_URL: 'https://id.example.com/path' })).toEqual([
      'LATCHKEY_PUBLIC_URL must be an origin (no path, query or fragment)',
    ]);
    expect(problemsOf({ LATCHKEY_PUBLIC_URL: 'not a url' })[0]).toMatch(/is not a URL/);
    expect(() => loadConfig({ LATCHKEY_PORT: 'x' })).toThrow(/Invalid configuration:\n {2}- LATCHKEY_PORT/);
  });

  it('warns loudly about unsafe defaults, and refuses the embedded database for more than one node', () => {
    const laptop = unsafeDefaults(loadConfig({}, '/srv/latchkey'));
    expect(laptop).toHaveLength(3);
    expect(laptop[0]).toMatch(/LATCHKEY_MASTER_KEY is not set: using a generated key file in \/srv\/latchkey\/data/);
    expect(laptop[1]).toMatch(/embedded PGlite database/);
    expect(laptop[2]).toMatch(/plain http/);
    const production = loadConfig({
      LATCHKEY_MASTER_KEY: MASTER,
      LATCHKEY_DATABASE_URL: 'postgres://db/lk',
      LATCHKEY_PUBLIC_URL: 'https://id.example.com',
      LATCHKEY_NODE_COUNT_HINT: '4',
    });
    expect(unsafeDefaults(production)).toEqual([]);
    expect(problemsOf({ LATCHKEY_NODE_COUNT_HINT: '2' })).toEqual([
      'LATCHKEY_NODE_COUNT_HINT > 1 needs LATCHKEY_DATABASE_URL: the embedded database serves one process only',
    ]);
    // Several server processes per host (ADR 0016): PostgreSQL only, 1 to 64.
    expect(problemsOf({ LATCHKEY_WORKERS: '2' })).toEqual([
      'LATCHKEY_WORKERS > 1 needs LATCHKEY_DATABASE_URL: the embedded database serves one process only',
    ]);
    expect(loadConfig({ LATCHKEY_DATABASE_URL: 'postgres://db/lk', LATCHKEY_WORKERS: '4' }).workers).toBe(4);
    expect(loadConfig({}).workers).toBe(1);
    expect(problemsOf({ LATCHKEY_DATABASE_URL: 'postgres://db/lk', LATCHKEY_WORKERS: '0' })).toHaveLength(1);
    expect(problemsOf({ LATCHKEY_DATABASE_URL: 'postgres://db/lk', LATCHKEY_WORKERS: '65' })).toHaveLength(1);
  });
});
