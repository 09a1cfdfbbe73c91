import { sql, type Kysely } from 'kysely';

/**
 * Public (secretless) clients (ADR 0014): the Graph `application` platforms `spa.redirectUris`
 * and `publicClient.redirectUris`, and `isFallbackPublicClient`. The prefix index serves
 * `startswith(displayName,'…')` on GET /applications (LIKE needs text_pattern_ops outside the C
 * locale, PostgreSQL docs §11.10, as 0006 did for users and groups).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table applications
      add column spa_redirect_uris jsonb not null default '[]'::jsonb,
      add column public_client_redirect_uris jsonb not null default '[]'::jsonb,
      add column is_fallback_public_client boolean not null default false`.execute(db);
  await sql`create index applications_display_name_prefix on applications (lower(display_name) text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index applications_display_name_prefix`.execute(db);
  await sql`
    alter table applications
      drop column spa_redirect_uris,
      drop column public_client_redirect_uris,
      drop column is_fallback_public_client`.execute(db);
}
