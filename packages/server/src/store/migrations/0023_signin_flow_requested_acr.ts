import { sql, type Kysely } from 'kysely';

/**
 * The `acr` an app asked for (`acr_values`, or an essential `acr` in the `claims` parameter),
 * kept on the sign-in flow from its start (signin/requested-acr.ts): Conditional Access's step
 * (ca-step.ts) asks for a method that meets it, and the flow's `acr` names the value met.
 * `{"values": [...], "essential": bool}`; null when the app asked for nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table signin_flows add column requested_acr jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table signin_flows drop column requested_acr`.execute(db);
}
