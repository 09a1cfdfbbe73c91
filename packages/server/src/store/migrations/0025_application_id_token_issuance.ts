import { sql, type Kysely } from 'kysely';

/**
 * Graph `application.web.implicitGrantSettings.enableIdTokenIssuance` (Entra's "ID tokens (used for
 * implicit and hybrid flows)"): a web app may then ask the authorization endpoint for an ID token
 * (`response_type=id_token` or `code id_token`), as ASP.NET's OWIN and older ASP.NET Core Azure AD
 * templates do. Off by default, as in Entra.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table applications add column web_id_token_issuance boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table applications drop column web_id_token_issuance`.execute(db);
}
