import { sql, type Kysely } from 'kysely';

/** The channel on which every node hears that a user or service principal changed or was deleted. */
export const PRINCIPAL_CHANGED_CHANNEL = 'latchkey_principal_changed';

/**
 * Triggers that NOTIFY `latchkey_principal_changed` with the id of a user or service principal
 * that was updated or deleted, whichever code path (API, CLI, SQL by hand) did it. Every node's
 * admin-token verifier caches the subject of a token for a few seconds (oidc/principal-cache.ts,
 * ADR 0011) and drops it on this notification, so disabling an account ends its tokens on every
 * node at commit. NOTIFY is delivered only on commit and folded per transaction.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function latchkey_notify_principal_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('latchkey_principal_changed', old.id::text);
      return null;
    end $$`.execute(db);
  for (const table of ['users', 'service_principals']) {
    await sql`create trigger ${sql.raw(`${table}_principal_changed`)} after update or delete on ${sql.table(table)}
      for each row execute function latchkey_notify_principal_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['users', 'service_principals']) await sql`drop trigger ${sql.raw(`${table}_principal_changed`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function latchkey_notify_principal_changed()`.execute(db);
}
