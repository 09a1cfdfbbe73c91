import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { OPTIONS, type OptionSpec } from './defaults.ts';
import { parseMasterKey, parsePreviousMasterKeys } from '../secrets/master-key.ts';

/** The validated configuration every module receives (narrowly: pass only the fields needed). */
export interface Config {
  host: string;
  port: number;
  publicUrl: URL;
  /** WebAuthn relying-party id: the host of the public URL. */
  rpId: string;
  /** OIDC issuer: the public URL origin without a trailing slash. */
  issuer: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  databaseStatementTimeoutMs: number;
  databasePreparedStatements: number;
  databaseSsl: 'prefer-url' | 'disable' | 'require' | 'verify-full';
  databaseSslCa: string | undefined;
  masterKey: string | undefined;
  previousMasterKeys: string | undefined;
  logLevel: string;
  bootstrapAdminUpn: string;
  nodeCountHint: number;
  /** Server processes `latchkey serve` starts on this host (cli/serve-workers.ts, ADR 0016). */
  workers: number;
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  /** `cluster` (default; PostgreSQL only) or `node` (http/rate-limiters.ts, ADR 0015). */
  rateLimitScope: 'cluster' | 'node';
  rateLimitSyncMs: number;
  trustedProxies: string[];
  adminTokenTtlSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SSL_MODES = ['prefer-url', 'disable', 'require', 'verify-full'] as const;
const RATE_LIMIT_SCOPES = ['cluster', 'node'] as const;

/**
 * Reads options from the environment (`LATCHKEY_*`) and, when `LATCHKEY_CONFIG_FILE` names one,
 * a JSON file; the environment wins. Every problem is collected so an operator sees all of them
 * at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const fileValues: Record<string, unknown> = {};
  const configFile = env.LATCHKEY_CONFIG_FILE;
  if (configFile) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(resolve(cwd, configFile), 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      Object.assign(fileValues, parsed);
      const known = new Set<string>(OPTIONS.map((o) => o.key));
      for (const k of Object.keys(fileValues)) if (!known.has(k)) problems.push(`${configFile}: unknown option "${k}"`);
    } catch (err) {
      problems.push(`LATCHKEY_CONFIG_FILE ${configFile}: ${(err as Error).message}`);
    }
  }

  const raw = (o: OptionSpec): string | undefined => {
    const fromEnv = env[o.env];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const fromFile = fileValues[o.key];
    if (fromFile !== undefined && fromFile !== null) return Array.isArray(fromFile) ? fromFile.join(',') : String(fromFile);
    return 'default' in o ? o.default : undefined;
  };
  const get = (key: string): { spec: OptionSpec; value: string | undefined } => {
    const spec = OPTIONS.find((o) => o.key === key)!;
    return { spec, value: raw(spec) };
  };
  const int = (key: string, min: number, max: number): number => {
    const { spec, value } = get(key);
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${spec.env} must be an integer from ${min} to ${max} (got "${value}")`);
      return Number(spec.default ?? min);
    }
    return n;
  };
  const str = (key: string): string | undefined => get(key).value;

  const port = int('port', 0, 65535);
  const host = str('host') ?? '127.0.0.1';
  let publicUrl = new URL(`http://localhost:${port || 8080}`);
  const publicUrlRaw = str('publicUrl');
  if (publicUrlRaw) {
    try {
      publicUrl = new URL(publicUrlRaw);
      if (!['http:', 'https:'].includes(publicUrl.protocol)) problems.push('LATCHKEY_PUBLIC_URL must be http(s)');
      if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) problems.push('LATCHKEY_PUBLIC_URL must be an origin (no path, query or fragment)');
      if (publicUrl.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(publicUrl.hostname)) {
        problems.push('LATCHKEY_PUBLIC_URL must use https unless the host is localhost (WebAuthn requires a secure context)');
      }
    } catch {
      problems.push(`LATCHKEY_PUBLIC_URL is not a URL: "${publicUrlRaw}"`);
    }
  }
  const databaseUrl = str('databaseUrl');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('LATCHKEY_DATABASE_URL must start with postgres:// or postgresql://');
  const databaseSsl = (str('databaseSsl') ?? 'prefer-url') as Config['databaseSsl'];
  if (!SSL_MODES.includes(databaseSsl)) problems.push(`LATCHKEY_DATABASE_SSL must be one of ${SSL_MODES.join(', ')}`);
  const rateLimitScope = (str('rateLimitScope') ?? 'cluster') as Config['rateLimitScope'];
  if (!RATE_LIMIT_SCOPES.includes(rateLimitScope)) problems.push(`LATCHKEY_RATE_LIMIT_SCOPE must be one of ${RATE_LIMIT_SCOPES.join(', ')}`);
  const logLevel = str('logLevel') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LATCHKEY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const bootstrapAdminUpn = str('bootstrapAdminUpn') ?? 'admin@latchkey.local';
  if (!/^[^@\s]+@[^@\s]+$/.test(bootstrapAdminUpn)) problems.push('LATCHKEY_BOOTSTRAP_ADMIN_UPN must look like user@domain');
  const masterKey = str('masterKey');
  if (masterKey !== undefined) {
    try {
      parseMasterKey(masterKey);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const previousMasterKeys = str('previousMasterKeys');
  try {
    const previous = parsePreviousMasterKeys(previousMasterKeys);
    const current = masterKey === undefined ? undefined : tryParse(masterKey);
    if (current && previous.some((k) => k.equals(current))) problems.push('LATCHKEY_PREVIOUS_MASTER_KEYS must not contain LATCHKEY_MASTER_KEY itself');
  } catch (err) {
    problems.push((err as Error).message);
  }
  const dataDirRaw = str('dataDir') ?? './data';
  const config: Config = {
    host,
    port,
    publicUrl,
    rpId: publicUrl.hostname.replace(/^\[|\]$/g, ''),
    issuer: publicUrl.origin,
    dataDir: isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw),
    databaseUrl,
    databasePoolMax: int('databasePoolMax', 1, 1000),
    databaseStatementTimeoutMs: int('databaseStatementTimeoutMs', 0, 3_600_000),
    databasePreparedStatements: int('databasePreparedStatements', 0, 10_000),
    databaseSsl,
    databaseSslCa: str('databaseSslCa'),
    masterKey,
    previousMasterKeys,
    logLevel,
    bootstrapAdminUpn,
    nodeCountHint: int('nodeCountHint', 1, 10_000),
    workers: int('workers', 1, 64),
    bodyLimitBytes: int('bodyLimitBytes', 1024, 100 * 1024 * 1024),
    rateLimitPerMinute: int('rateLimitPerMinute', 0, 10_000_000),
    rateLimitScope,
    rateLimitSyncMs: int('rateLimitSyncMs', 100, 60_000),
    trustedProxies: (str('trustedProxies') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    adminTokenTtlSeconds: int('adminTokenTtlSeconds', 30, 86_400),
  };
  if (!databaseUrl && config.nodeCountHint > 1) {
    problems.push('LATCHKEY_NODE_COUNT_HINT > 1 needs LATCHKEY_DATABASE_URL: the embedded database serves one process only');
  }
  if (!databaseUrl && config.workers > 1) {
    problems.push('LATCHKEY_WORKERS > 1 needs LATCHKEY_DATABASE_URL: the embedded database serves one process only');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

const tryParse = (key: string): Buffer | undefined => {
  try {
    return parseMasterKey(key);
  } catch {
    return undefined; // reported once, as LATCHKEY_MASTER_KEY's own problem
  }
};

/** Warnings an operator must see at boot: unsafe defaults that are fine for a laptop only. */
export function unsafeDefaults(config: Config): string[] {
  const w: string[] = [];
  if (!config.masterKey) w.push(`LATCHKEY_MASTER_KEY is not set: using a generated key file in ${config.dataDir}. Back it up; set LATCHKEY_MASTER_KEY from a secret manager in production.`);
  if (!config.databaseUrl) w.push('Using the embedded PGlite database (single process). Set LATCHKEY_DATABASE_URL to PostgreSQL for production or more than one node.');
  if (config.publicUrl.protocol === 'http:') w.push(`LATCHKEY_PUBLIC_URL is ${config.publicUrl.origin} (plain http): fine for localhost only.`);
  return w;
}

/** Markdown table of every option, for the README. */
export function configTableMarkdown(): string {
  const rows = OPTIONS.map((o: OptionSpec) => {
    const def = o.defaultText ?? (o.default === undefined ? 'unset' : o.default === '' ? '(empty)' : `\`${o.default}\``);
    return `| \`${o.env}\` | \`${o.key}\` | ${def} | ${o.description} |`;
  });
  return ['| Variable | File key | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
