import { sql, type Kysely } from 'kysely';

/**
 * Leaves free space in `oath_tokens` pages (fillfactor 80) so that the update each accepted code
 * makes (last step, drift, last use — no indexed column) can be a HOT update in the same page:
 * no index entries written, less WAL. Tokens are bulk-imported into full pages otherwise, and
 * every first verification of an imported token moved its row. Applies to pages written from now
 * on; `VACUUM FULL oath_tokens` rewrites existing ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table oath_tokens set (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table oath_tokens reset (fillfactor)`.execute(db);
}
