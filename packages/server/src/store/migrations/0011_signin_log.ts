import { sql, type Kysely } from 'kysely';

/**
 * The sign-in log (issue 4 item 4): one row per sign-in attempt, in the shape of Graph's
 * `signIn` (`GET /api/v1/auditLogs/signIns`), with every Conditional Access policy's result.
 * Append-only: nothing updates or deletes a row (docs/signin-logs.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table signin_log (
      id uuid primary key,
      created_at timestamptz not null default now(),
      flow_id uuid,
      user_id uuid,
      user_principal_name text,
      app_id text not null,
      app_display_name text,
      ip_address text,
      client_app_used text not null default 'Browser',
      error_code integer not null,
      failure_reason text,
      conditional_access_status text not null,
      applied_policies jsonb not null,
      authentication_details jsonb not null,
      authentication_requirement text not null,
      correlation_id text
    )`.execute(db);
  await sql`create index signin_log_created on signin_log (created_at desc, id desc)`.execute(db);
  await sql`create index signin_log_user on signin_log (user_id, created_at desc)`.execute(db);
  // The second-factor states of the flow (signin/ca-step.ts, signin/oath-step.ts).
  await sql`alter table signin_flows drop constraint signin_flows_state_check`.execute(db);
  await sql`
    alter table signin_flows add constraint signin_flows_state_check check (state in (
      'identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyBootstrapLink', 'verifyTap',
      'registrationRequired', 'registrationCampaign', 'chooseSecondFactor', 'verifyOath', 'complete', 'failed', 'expired'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table signin_flows drop constraint signin_flows_state_check`.execute(db);
  await sql`
    alter table signin_flows add constraint signin_flows_state_check check (state in (
      'identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyBootstrapLink', 'verifyTap',
      'registrationRequired', 'registrationCampaign', 'complete', 'failed', 'expired'))`.execute(db);
  await sql`drop table signin_log`.execute(db);
}
