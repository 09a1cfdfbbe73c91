import { sql, type Kysely } from 'kysely';

/**
 * Directory query indexes beyond 0001: `startswith()` filters compile to
 * `lower(col) like 'prefix%'`, which a plain btree on lower(col) serves only in the C collation,
 * so these use text_pattern_ops (PostgreSQL docs §11.10 "Operator Classes"). The role index serves
 * the last-Global-Administrator check and `$filter=roleDefinitionId eq …`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index users_upn_prefix on users (lower(user_principal_name) text_pattern_ops)`.execute(db);
  await sql`create index users_display_name_prefix on users (lower(display_name) text_pattern_ops)`.execute(db);
  await sql`create index groups_display_name_prefix on groups (lower(display_name) text_pattern_ops)`.execute(db);
  await sql`create index role_assignments_role on role_assignments (role_template_id, principal_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index role_assignments_role, groups_display_name_prefix, users_display_name_prefix, users_upn_prefix`.execute(db);
}
