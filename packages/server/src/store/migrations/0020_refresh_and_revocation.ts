import { sql, type Kysely } from 'kysely';

/**
 * Refresh tokens for registered applications with Conditional Access evaluated again at every
 * refresh, and sign-in session revocation (ADR 0017):
 *
 * - `users.sign_in_sessions_valid_from`: Graph's `signInSessionsValidFromDateTime`, set by
 *   `revokeSignInSessions`; refresh tokens and SSO sessions from sign-ins before it stop working.
 * - `refresh_sign_ins`: the methods (modes, times, AAGUIDs) of the sign-in behind refresh tokens,
 *   recorded when the first refresh token of that sign-in is issued (the sign-in flow row is
 *   deleted a day after it ends; refresh tokens live 14 days). Keyed like `tap_sign_ins`.
 * - `signin_log.is_interactive`: Graph `signIn.isInteractive`; a refresh is a non-interactive sign-in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column sign_in_sessions_valid_from timestamptz`.execute(db);
  await sql`
    create table refresh_sign_ins (
      user_id uuid not null references users(id) on delete cascade,
      auth_time bigint not null,
      performed jsonb not null,
      created_at timestamptz not null default now(),
      primary key (user_id, auth_time)
    )`.execute(db);
  await sql`alter table signin_log add column is_interactive boolean not null default true`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table signin_log drop column is_interactive`.execute(db);
  await sql`drop table refresh_sign_ins`.execute(db);
  await sql`alter table users drop column sign_in_sessions_valid_from`.execute(db);
}
