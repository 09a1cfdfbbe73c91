import { sql, type Kysely } from 'kysely';

/**
 * OATH tokens (issue 5; entra-spec §6–7): one table for hardware tokens (the inventory, Graph
 * `hardwareOathTokenAuthenticationMethodDevice`) and authenticator-app seeds (Graph
 * `softwareOathAuthenticationMethod`), because both carry the same replay, drift and lockout
 * state and both count towards the 5-methods-per-user cap. Seeds are sealed with the envelope
 * (purpose `oath-token:<id>`). Per-user lockout counters, tenant OATH settings (one row) and
 * legacy per-user MFA state (§7.1) live beside it. See `methods/oath/` and docs/oath.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // status: hardware `available|assigned|activated|failedActivation`; software `assigned` (enrolled,
  // not yet confirmed by a code) or `activated`. A hardware row with user_id null reads as available.
  // last_step: the last accepted RFC 6238 time step (the replay high-water mark, updated with a
  // conditional `update … where last_step < $step`). drift: observed offset in steps.
  await sql`
    create table oath_tokens (
      id uuid primary key,
      kind text not null check (kind in ('hardware', 'software')),
      serial_number text unique,
      manufacturer text,
      model text,
      display_name text,
      secret_sealed text not null,
      hash_function text not null default 'hmacsha1' check (hash_function in ('hmacsha1', 'hmacsha256', 'hmacsha512')),
      digits smallint not null default 6 check (digits in (6, 8)),
      time_interval smallint not null default 30 check (time_interval in (30, 60)),
      status text not null check (status in ('available', 'assigned', 'activated', 'failedActivation')),
      user_id uuid references users(id) on delete set null,
      last_step bigint,
      drift integer not null default 0,
      failed_attempts integer not null default 0,
      locked_until timestamptz,
      last_used_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (kind = 'software' or serial_number is not null)
    )`.execute(db);
  await sql`create index oath_tokens_user on oath_tokens (user_id) where user_id is not null`.execute(db);
  await sql`create index oath_tokens_kind_created on oath_tokens (kind, created_at, id)`.execute(db);

  // Consecutive failed OATH codes across all of a user's tokens (NIST SP 800-63B §5.2.2).
  await sql`
    create table oath_user_lockouts (
      user_id uuid primary key references users(id) on delete cascade,
      failed_attempts integer not null default 0,
      locked_until timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);

  // Tenant OATH settings: one row, id 'default'. Windows in time steps either side of the expected one.
  await sql`
    create table oath_settings (
      id text primary key check (id = 'default'),
      window_steps smallint not null default 1 check (window_steps between 0 and 10),
      activation_window_steps smallint not null default 10 check (activation_window_steps between 1 and 100),
      resync_window_steps smallint not null default 100 check (resync_window_steps between 1 and 1000),
      token_lockout_threshold smallint not null default 10 check (token_lockout_threshold between 1 and 100),
      user_lockout_threshold smallint not null default 20 check (user_lockout_threshold between 1 and 100),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into oath_settings (id) values ('default')`.execute(db);

  // Legacy per-user MFA (§7.1); no row = disabled.
  await sql`
    create table user_mfa_requirements (
      user_id uuid primary key references users(id) on delete cascade,
      per_user_mfa_state text not null check (per_user_mfa_state in ('disabled', 'enabled', 'enforced')),
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table user_mfa_requirements, oath_settings, oath_user_lockouts, oath_tokens`.execute(db);
}
