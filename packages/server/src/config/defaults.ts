/**
 * The one typed defaults module. Every option Latchkey reads is declared here, once, with its
 * environment variable, its default and a sentence for operators. The README's configuration
 * table is generated from this list (`latchkey config docs`), so the docs cannot drift.
 */

export type OptionKind = 'string' | 'int' | 'boolean' | 'url' | 'list';

export interface OptionSpec {
  /** Environment variable (contract: operators' scripts use these names). */
  readonly env: string;
  /** Key in the optional JSON config file. */
  readonly key: string;
  readonly kind: OptionKind;
  /** Default as a string in the same syntax as the environment variable; undefined = unset. */
  readonly default?: string;
  /** How the default is described in docs when it is derived rather than literal. */
  readonly defaultText?: string;
  readonly description: string;
  /** Secret values are never logged or printed. */
  readonly secret?: boolean;
}

export const OPTIONS = [
  { env: 'LATCHKEY_HOST', key: 'host', kind: 'string', default: '127.0.0.1', description: 'Interface the HTTP server binds to.' },
  { env: 'LATCHKEY_PORT', key: 'port', kind: 'int', default: '8080', description: 'TCP port of the HTTP server (0 picks a free port).' },
  {
    env: 'LATCHKEY_PUBLIC_URL', key: 'publicUrl', kind: 'url', defaultText: 'http://localhost:<port>',
    description: 'Origin users reach Latchkey at. The WebAuthn RP ID (its host) and the OIDC issuer derive from it.',
  },
  { env: 'LATCHKEY_DATA_DIR', key: 'dataDir', kind: 'string', default: './data', description: 'Directory for the embedded database, the generated master key file and the control socket.' },
  {
    env: 'LATCHKEY_DATABASE_URL', key: 'databaseUrl', kind: 'url', secret: true, defaultText: 'unset (embedded PGlite in the data dir)',
    description: 'PostgreSQL connection URL. When unset, Latchkey uses the embedded PGlite database in the data dir.',
  },
  { env: 'LATCHKEY_DATABASE_POOL_MAX', key: 'databasePoolMax', kind: 'int', default: '10', description: 'Maximum PostgreSQL connections per node.' },
  { env: 'LATCHKEY_DATABASE_STATEMENT_TIMEOUT_MS', key: 'databaseStatementTimeoutMs', kind: 'int', default: '15000', description: 'PostgreSQL statement_timeout for every connection, in milliseconds (0 disables).' },
  {
    env: 'LATCHKEY_DATABASE_PREPARED_STATEMENTS', key: 'databasePreparedStatements', kind: 'int', default: '500',
    description: 'PostgreSQL: how many distinct SQL texts run as prepared statements (parsed and planned once per connection). 0 turns them off, e.g. behind PgBouncer before 1.21 in transaction pooling mode.',
  },
  {
    env: 'LATCHKEY_DATABASE_SSL', key: 'databaseSsl', kind: 'string', default: 'prefer-url',
    description: "TLS to PostgreSQL: `prefer-url` (whatever `sslmode` in the URL says), `disable`, `require` (encrypt, don't verify), `verify-full` (verify with the system CAs or LATCHKEY_DATABASE_SSL_CA).",
  },
  { env: 'LATCHKEY_DATABASE_SSL_CA', key: 'databaseSslCa', kind: 'string', description: 'Path to a PEM CA bundle for `verify-full`.' },
  {
    env: 'LATCHKEY_MASTER_KEY', key: 'masterKey', kind: 'string', secret: true, defaultText: 'generated into <dataDir>/master.key (0600)',
    description: 'Base64 (or hex) 32-byte key that encrypts every secret at rest (signing keys, TOTP seeds, client secrets). Set it from your secret manager in production.',
  },
  {
    env: 'LATCHKEY_PREVIOUS_MASTER_KEYS', key: 'previousMasterKeys', kind: 'string', secret: true,
    description: 'Master key rotation: earlier master keys (same format, comma-separated) that still open secrets but never seal new ones. Run `latchkey secrets rewrap`, then remove them (docs/security.md).',
  },
  { env: 'LATCHKEY_CONFIG_FILE', key: 'configFile', kind: 'string', description: 'Optional JSON file with any of these options (keys in camelCase). Environment variables win over the file.' },
  { env: 'LATCHKEY_LOG_LEVEL', key: 'logLevel', kind: 'string', default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace, silent.' },
  { env: 'LATCHKEY_BOOTSTRAP_ADMIN_UPN', key: 'bootstrapAdminUpn', kind: 'string', default: 'admin@latchkey.local', description: 'User principal name of the first Global Administrator created on an empty database.' },
  {
    env: 'LATCHKEY_WORKERS', key: 'workers', kind: 'int', default: '1',
    description: 'Server processes `latchkey serve` runs on this host (1 to 64), sharing the port; each is a node (ADR 0016). Above 1 needs PostgreSQL: the embedded database belongs to one process.',
  },
  { env: 'LATCHKEY_NODE_COUNT_HINT', key: 'nodeCountHint', kind: 'int', default: '1', description: 'How many nodes share this database; above 1 on the embedded database Latchkey refuses to start.' },
  { env: 'LATCHKEY_BODY_LIMIT_BYTES', key: 'bodyLimitBytes', kind: 'int', default: '1048576', description: 'Largest accepted request body in bytes (uploads have their own limits).' },
  { env: 'LATCHKEY_RATE_LIMIT_PER_MINUTE', key: 'rateLimitPerMinute', kind: 'int', default: '600', description: 'Requests per minute per client IP on the API before 429 (0 disables).' },
  {
    env: 'LATCHKEY_RATE_LIMIT_SCOPE', key: 'rateLimitScope', kind: 'string', default: 'cluster',
    description: 'Where the rate limits (API per IP, sign-in per IP and per account) hold: `cluster` (the nodes count together through PostgreSQL, exchanging their spend about once a second; ADR 0015) or `node` (each node alone). On the embedded database it is always `node`.',
  },
  {
    env: 'LATCHKEY_RATE_LIMIT_SYNC_MS', key: 'rateLimitSyncMs', kind: 'int', default: '1000',
    description: 'Cluster rate limits: how often a node exchanges its spend with the others, in milliseconds (100 to 60000), when it had requests. A limit may be exceeded by about (nodes - 1) x its rate x 2 x this interval.',
  },
  { env: 'LATCHKEY_TRUSTED_PROXIES', key: 'trustedProxies', kind: 'list', default: '', description: 'Comma-separated proxy IPs/CIDRs whose X-Forwarded-For is believed. Empty: the socket address is the client.' },
  { env: 'LATCHKEY_ADMIN_TOKEN_TTL_SECONDS', key: 'adminTokenTtlSeconds', kind: 'int', default: '900', description: 'Lifetime of access tokens for the admin API (CLI tokens and client credentials).' },
] as const satisfies readonly OptionSpec[];

export type OptionKey = (typeof OPTIONS)[number]['key'];
