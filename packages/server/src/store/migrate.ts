import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * Runs every pending migration in name order. Migrations are plain modules listed in
 * `migrations/index.ts`. Unordered migrations are allowed: features developed side by side may
 * land a lower number after a higher one was applied (each migration only adds its own tables).
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS as Record<string, Migration> },
    migrationTableName: 'latchkey_migration',
    migrationLockTableName: 'latchkey_migration_lock',
    allowUnorderedMigrations: true,
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}

/** Names of migrations not yet applied; empty means the schema is current (used by /readyz). */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS as Record<string, Migration> },
    migrationTableName: 'latchkey_migration',
    migrationLockTableName: 'latchkey_migration_lock',
  });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
