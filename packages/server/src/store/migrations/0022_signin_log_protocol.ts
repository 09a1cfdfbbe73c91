import { sql, type Kysely } from 'kysely';

/**
 * Device code sign-ins marked in the sign-in log (ADR 0019), as Graph's `signIn` does (beta):
 *
 * - `signin_log.authentication_protocol`: `deviceCode` for the sign-in that approved a device
 *   code, `none` otherwise;
 * - `signin_log.original_transfer_method`: `deviceCodeFlow` for that sign-in and for every
 *   refresh of the tokens it gave the device, `none` otherwise;
 * - `signin_flows.original_transfer_method`: set when the flow starts from a device code
 *   interaction, so every log entry of that flow carries it.
 *
 * Code phishing investigations filter on these; a partial index serves them without touching
 * the ordinary sign-in's insert (it is not in the index).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table signin_flows add column original_transfer_method text not null default 'none'`.execute(db);
  await sql`alter table signin_log add column authentication_protocol text not null default 'none'`.execute(db);
  await sql`alter table signin_log add column original_transfer_method text not null default 'none'`.execute(db);
  await sql`create index signin_log_transferred on signin_log (created_at desc, id desc) where original_transfer_method <> 'none'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index signin_log_transferred`.execute(db);
  await sql`alter table signin_log drop column original_transfer_method`.execute(db);
  await sql`alter table signin_log drop column authentication_protocol`.execute(db);
  await sql`alter table signin_flows drop column original_transfer_method`.execute(db);
}
