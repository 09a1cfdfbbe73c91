import { sql, type Kysely } from 'kysely';

/**
 * Append-only, hash-chained audit trail. Each row carries the SHA-256 of the previous row's hash
 * and its own canonical content, so `latchkey audit verify` detects edits and deletions.
 * Updates and deletes are refused by a trigger; the chain detects what a superuser does anyway.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_log (
      seq bigint primary key,
      id uuid not null unique,
      activity_date_time timestamptz not null,
      category text not null,
      activity_display_name text not null,
      operation_type text not null,
      result text not null,
      result_reason text,
      initiated_by jsonb not null,
      target_resources jsonb not null default '[]'::jsonb,
      additional_details jsonb not null default '[]'::jsonb,
      correlation_id text,
      ip_address text,
      logged_by_service text not null default 'Core Directory',
      prev_hash text not null,
      hash text not null
    )`.execute(db);
  await sql`create index audit_log_time on audit_log (activity_date_time desc, seq desc)`.execute(db);
  await sql`create index audit_log_category on audit_log (category, seq desc)`.execute(db);
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit_log`.execute(db);
  await sql`drop function audit_log_append_only`.execute(db);
}
