import { sql, type Kysely } from 'kysely';

const STATES_WITHOUT_SETUP_LINK = sql`(
  'identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyTap',
  'registrationRequired', 'registrationCampaign', 'chooseSecondFactor', 'verifyOath', 'complete', 'failed', 'expired')`;

const STATES_WITH_SETUP_LINK = sql`(
  'identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyBootstrapLink', 'verifyTap',
  'registrationRequired', 'registrationCampaign', 'chooseSecondFactor', 'verifyOath', 'complete', 'failed', 'expired')`;

/**
 * Removes the first-start setup link (ADR 0009: the Temporary Access Pass replaced it): drops
 * `signin_bootstrap_links` and the `verifyBootstrapLink` flow state. Any flow still open that
 * used or offered the setup link is expired first, so no such flow can finish after the upgrade
 * and the narrowed state check holds for every row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update signin_flows set state = 'expired', updated_at = now(), version = version + 1
    where state not in ('failed', 'expired')
      and (state = 'verifyBootstrapLink' or methods_offered @> '["bootstrapLink"]'::jsonb or methods_performed @> '[{"method":"bootstrapLink"}]'::jsonb)`.execute(db);
  await sql`alter table signin_flows drop constraint signin_flows_state_check`.execute(db);
  await sql`alter table signin_flows add constraint signin_flows_state_check check (state in ${STATES_WITHOUT_SETUP_LINK})`.execute(db);
  await sql`drop table signin_bootstrap_links`.execute(db);
}

/** Restores the table (empty) and the wider state check of 0011; links once issued are gone. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create table signin_bootstrap_links (
      id uuid primary key,
      user_id uuid not null references users(id) on delete cascade,
      secret_hash text not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`alter table signin_flows drop constraint signin_flows_state_check`.execute(db);
  await sql`alter table signin_flows add constraint signin_flows_state_check check (state in ${STATES_WITH_SETUP_LINK})`.execute(db);
}
