import { sql, type Kysely } from 'kysely';

/**
 * Free space in the pages of the tables a sign-in updates in place, as 0016 did for
 * `oath_tokens`, so the updates can be HOT (same page, no new index entries):
 * - `signin_flows`: saved after every step of the sign-in page (three indexes otherwise touched);
 * - `oidc_payloads`: the provider saves an interaction, session or grant several times;
 * - `passkey_credentials`: the sign count and last use move on every passkey sign-in.
 * Measured with pg_stat_statements in bench/passkey-signin (BENCH_PG_STATS=1): docs/benchmarks/passkey-signin.md.
 * Applies to pages written from now on; `VACUUM FULL <table>` rewrites existing ones.
 */
const TABLES = { signin_flows: 70, oidc_payloads: 80, passkey_credentials: 80 } as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, fillfactor] of Object.entries(TABLES)) await sql`alter table ${sql.table(table)} set (fillfactor = ${sql.lit(fillfactor)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(TABLES)) await sql`alter table ${sql.table(table)} reset (fillfactor)`.execute(db);
}
