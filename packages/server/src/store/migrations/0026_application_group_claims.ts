import { sql, type Kysely } from 'kysely';

/**
 * Graph `application.groupMembershipClaims`: which of the user's groups the app's ID tokens name
 * in a `groups` claim (`SecurityGroup`, `All`; null or `None` for none, Entra's default).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table applications add column group_membership_claims text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table applications drop column group_membership_claims`.execute(db);
}
