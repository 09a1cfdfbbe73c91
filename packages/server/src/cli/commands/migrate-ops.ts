import { defineOp } from '../ops.ts';
import { migrateToLatest, pendingMigrations } from '../../store/migrate.ts';

/** Applies pending migrations and reports what ran. */
export const migrateOp = defineOp<Record<string, never>, { applied: string[]; pending: string[] }>({
  name: 'migrate',
  async run(rt) {
    const result = await migrateToLatest(rt.store.db);
    return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), pending: await pendingMigrations(rt.store.db) };
  },
});
