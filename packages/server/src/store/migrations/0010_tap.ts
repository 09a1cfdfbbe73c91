import { sql, type Kysely } from 'kysely';

/**
 * Temporary Access Pass (issue 4 item 6; entra-spec §3): one pass per user (`unique(user_id)`;
 * a new one replaces the old in the same transaction), stored as a hash only. `used_at` is set
 * by a single conditional `update … where used_at is null … returning` (one-time passes), so of
 * any number of parallel redemptions exactly one wins. `tap_sign_ins` ties sessions and refresh
 * tokens to the TAP they came from; `registration_campaign_snoozes` counts the nudge's "Not now". The sign-in flow gains the `verifyTap` state and the
 * registration interrupt/campaign states (`signin/machine.ts`). See docs/tap.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table tap_methods (
      id uuid primary key,
      user_id uuid not null unique references users(id) on delete cascade,
      pass_hash text not null,
      start_date_time timestamptz not null,
      lifetime_in_minutes integer not null check (lifetime_in_minutes between 10 and 43200),
      is_usable_once boolean not null,
      used_at timestamptz,
      created_at timestamptz not null default now(),
      check (used_at is null or is_usable_once)
    )`.execute(db);
  await sql`
    create table tap_sign_ins (
      user_id uuid not null references users(id) on delete cascade,
      auth_time bigint not null,
      tap_id uuid not null,
      ends_at timestamptz not null,
      registration_deadline timestamptz,
      created_at timestamptz not null default now(),
      primary key (user_id, auth_time)
    )`.execute(db);
  await sql`create index tap_sign_ins_tap on tap_sign_ins (tap_id)`.execute(db);
  // Registration campaign (entra-spec §7.5): how often each user said "Not now", and when last.
  await sql`
    create table registration_campaign_snoozes (
      user_id uuid primary key references users(id) on delete cascade,
      snooze_count integer not null default 0 check (snooze_count >= 0),
      last_snoozed_at timestamptz not null
    )`.execute(db);
  await sql`alter table signin_flows drop constraint signin_flows_state_check`.execute(db);
  await sql`
    alter table signin_flows add constraint signin_flows_state_check check (state in (
      'identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyBootstrapLink', 'verifyTap',
      'registrationRequired', 'registrationCampaign', 'complete', 'failed', 'expired'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table signin_flows drop constraint signin_flows_state_check`.execute(db);
  await sql`
    alter table signin_flows add constraint signin_flows_state_check check (state in (
      'identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyBootstrapLink', 'complete', 'failed', 'expired'))`.execute(db);
  await sql`drop table registration_campaign_snoozes, tap_sign_ins, tap_methods`.execute(db);
}
