import { sql, type Kysely } from 'kysely';

/**
 * OIDC provider and admin-API authorization (ADR 0004):
 * - `oidc_signing_keys`: token signing keys; the private JWK sealed with the envelope
 *   (purpose `oidc-signing-key:<kid>`), the public JWK in clear for the JWKS. `active` keys are
 *   published and verify tokens, the newest active key per alg signs; `retired` keys do neither.
 * - `oidc_payloads`: oidc-provider's adapter rows (sessions, grants, codes, interactions, …),
 *   one table keyed by (kind, id) with the lookup columns the adapter interface needs.
 * - `applications`, `application_passwords`, `service_principals`: Graph-shaped app
 *   registrations (appId = OAuth client id), their client secrets (SHA-256 only; the secret
 *   text is shown once) and the service principal that holds granted permissions. Directory
 *   roles of a service principal live in `role_assignments` (principal_type 'servicePrincipal').
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table oidc_signing_keys (
      kid text primary key,
      alg text not null check (alg in ('ES256', 'RS256')),
      private_jwk_sealed text not null,
      public_jwk jsonb not null,
      status text not null default 'active' check (status in ('active', 'retired')),
      created_at timestamptz not null default now(),
      retired_at timestamptz,
      check ((status = 'retired') = (retired_at is not null))
    )`.execute(db);
  await sql`create index oidc_signing_keys_status on oidc_signing_keys (status, alg, created_at desc)`.execute(db);

  await sql`
    create table oidc_payloads (
      kind text not null,
      id text not null,
      payload jsonb not null,
      grant_id text,
      user_code text,
      uid text,
      expires_at timestamptz,
      consumed_at timestamptz,
      primary key (kind, id)
    )`.execute(db);
  await sql`create index oidc_payloads_grant on oidc_payloads (grant_id) where grant_id is not null`.execute(db);
  await sql`create index oidc_payloads_user_code on oidc_payloads (user_code) where user_code is not null`.execute(db);
  await sql`create index oidc_payloads_uid on oidc_payloads (uid) where uid is not null`.execute(db);
  await sql`create index oidc_payloads_expires on oidc_payloads (expires_at) where expires_at is not null`.execute(db);

  await sql`
    create table applications (
      id uuid primary key,
      app_id uuid not null unique,
      display_name text not null,
      description text,
      sign_in_audience text not null default 'AzureADMyOrg',
      web_redirect_uris jsonb not null default '[]'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index applications_display_name on applications (lower(display_name))`.execute(db);

  // passwordCredentials: only the SHA-256 of the (high-entropy, generated) secret is stored.
  await sql`
    create table application_passwords (
      key_id uuid primary key,
      application_id uuid not null references applications(id) on delete cascade,
      display_name text,
      hint text not null,
      secret_hash text not null,
      start_date_time timestamptz not null,
      end_date_time timestamptz not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index application_passwords_app on application_passwords (application_id)`.execute(db);

  await sql`
    create table service_principals (
      id uuid primary key,
      app_id uuid not null unique references applications(app_id) on delete cascade,
      display_name text not null,
      account_enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  // Granted application permissions (Graph appRoleAssignment, resource = the Latchkey admin API):
  // `app_role_value` is the Graph permission name (`User.ReadWrite.All`, …) that becomes the
  // `roles` claim of the app's client-credentials tokens.
  await sql`
    create table app_role_assignments (
      id uuid primary key,
      principal_id uuid not null references service_principals(id) on delete cascade,
      app_role_value text not null,
      created_at timestamptz not null default now(),
      unique (principal_id, app_role_value)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table app_role_assignments, service_principals, application_passwords, applications, oidc_payloads, oidc_signing_keys`.execute(
    db,
  );
}
