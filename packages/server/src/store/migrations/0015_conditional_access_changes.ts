import { sql, type Kysely } from 'kysely';

/** The channel on which every node hears that Conditional Access (policies, strengths, named locations) changed. */
export const CA_CHANGED_CHANNEL = 'latchkey_ca_changed';

/**
 * A trigger that NOTIFYs `latchkey_ca_changed` when the Conditional Access generation counter
 * moves (every CA write bumps it in its transaction). Each node keeps its compiled policies until
 * then (policy/conditional-access/load.ts, ADR 0011) instead of reading the counter on every
 * sign-in; NOTIFY is delivered at commit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function latchkey_notify_ca_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('latchkey_ca_changed', new.generation::text);
      return null;
    end $$`.execute(db);
  await sql`create trigger ca_generation_changed after update on ca_generation for each row execute function latchkey_notify_ca_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger ca_generation_changed on ca_generation`.execute(db);
  await sql`drop function latchkey_notify_ca_changed()`.execute(db);
}
