import { sql, type Kysely } from 'kysely';

/**
 * The flows of a user, found by index: `sessionMethods` (signin/step-up.ts) reads a user's last
 * completed flows on every authorization inside an SSO session (the step-up check), at refreshes
 * of older grants and at a step-up's start. Without an index that read scanned the whole table —
 * every flow of the last day, of every user (`auto_explain` in bench/passkey-signin, 2026-11-30).
 *
 * On `user_id` alone, not `(user_id, updated_at)`: `updated_at` moves at every save of a flow, and
 * an index on it would keep those saves from being HOT (migration 0017); a user has few flows a
 * day, so sorting them is nothing. Partial: flows before identification (no user) stay out.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index signin_flows_user on signin_flows (user_id) where user_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index signin_flows_user`.execute(db);
}
