import { sql, type Kysely } from 'kysely';

/**
 * Conditional Access (entra-spec §1, §2): custom authentication strengths, named locations and
 * CA policies. Each object keeps its Graph JSON in `body` (jsonb) so an Entra export round-trips
 * as-is; the columns beside it are what queries and constraints need. Built-in strengths live in
 * code (fixed ids, §2.3), never in this table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table ca_authentication_strengths (
      id uuid primary key,
      display_name text not null,
      body jsonb not null,
      created_at timestamptz not null default now(),
      modified_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index ca_authentication_strengths_name on ca_authentication_strengths (lower(display_name))`.execute(db);
  await sql`
    create table ca_named_locations (
      id uuid primary key,
      display_name text not null,
      odata_type text not null,
      is_trusted boolean not null default false,
      body jsonb not null,
      created_at timestamptz not null default now(),
      modified_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table ca_policies (
      id uuid primary key,
      display_name text not null,
      state text not null check (state in ('enabled', 'disabled', 'enabledForReportingButNotEnforced')),
      body jsonb not null,
      strength_id text,
      created_at timestamptz not null default now(),
      modified_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index ca_policies_strength on ca_policies (strength_id)`.execute(db);
  // One row; bumped by every CA write so caches on every node can tell they are stale.
  await sql`create table ca_generation (id integer primary key check (id = 1), generation bigint not null)`.execute(db);
  await sql`insert into ca_generation (id, generation) values (1, 1)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table ca_generation, ca_policies, ca_named_locations, ca_authentication_strengths`.execute(db);
}
