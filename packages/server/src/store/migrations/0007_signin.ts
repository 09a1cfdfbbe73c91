import { sql, type Kysely } from 'kysely';

/**
 * Sign-in (issue 3 item 3): the persisted sign-in flow state machine (`signin/machine.ts`), the
 * smart-lockout counters per account, and the one-time first-start setup links. See docs/signin.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One row per oidc-provider interaction. `version` is the optimistic-concurrency token:
  // every update is `where id = ? and version = ?` and bumps it, so two racing requests cannot
  // both move the flow.
  await sql`
    create table signin_flows (
      id uuid primary key,
      state text not null check (state in ('identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyBootstrapLink', 'complete', 'failed', 'expired')),
      interaction_uid text not null unique,
      client_id text not null,
      login_hint text,
      user_id uuid references users(id) on delete cascade,
      account_key text,
      methods_offered jsonb not null default '[]'::jsonb,
      methods_performed jsonb not null default '[]'::jsonb,
      failures integer not null default 0 check (failures >= 0),
      failure_reason text,
      expires_at timestamptz not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index signin_flows_expires on signin_flows (expires_at)`.execute(db);

  // Smart lockout (docs/signin.md): keyed by user id, or by a hash of the typed name for unknown
  // names, so an unknown account locks exactly like a real one (no enumeration through lockout).
  await sql`
    create table signin_lockouts (
      account_key text primary key,
      failures integer not null default 0 check (failures >= 0),
      locked_until timestamptz,
      last_failure_at timestamptz not null default now()
    )`.execute(db);

  // First-start setup links (a stand-in for a Temporary Access Pass, issue 4): stored hashed,
  // single use (consumed by `update … where used_at is null returning`).
  await sql`
    create table signin_bootstrap_links (
      id uuid primary key,
      user_id uuid not null references users(id) on delete cascade,
      secret_hash text not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table signin_bootstrap_links, signin_lockouts, signin_flows`.execute(db);
}
