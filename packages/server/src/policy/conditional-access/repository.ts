import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { ConditionalAccessPolicy } from './types.ts';
import { conditionalAccessChanged } from './changes.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The only module that speaks SQL for Conditional Access policies. */
export async function listPolicies(db: Db): Promise<ConditionalAccessPolicy[]> {
  const rows = await db.selectFrom('ca_policies').select('body').orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.body as unknown as ConditionalAccessPolicy);
}

export async function findPolicy(db: Db, id: string, forUpdate = false): Promise<ConditionalAccessPolicy | undefined> {
  let q = db.selectFrom('ca_policies').select('body').where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row?.body as unknown as ConditionalAccessPolicy | undefined;
}

export async function insertPolicy(db: Db, p: ConditionalAccessPolicy): Promise<void> {
  await db
    .insertInto('ca_policies')
    .values({
      id: p.id,
      display_name: p.displayName,
      state: p.state,
      body: JSON.stringify(p),
      strength_id: p.grantControls?.authenticationStrength?.id ?? null,
      created_at: p.createdDateTime,
      modified_at: p.createdDateTime,
    })
    .execute();
}

export async function updatePolicy(db: Db, p: ConditionalAccessPolicy): Promise<void> {
  await db
    .updateTable('ca_policies')
    .set({
      display_name: p.displayName,
      state: p.state,
      body: JSON.stringify(p),
      strength_id: p.grantControls?.authenticationStrength?.id ?? null,
      modified_at: p.modifiedDateTime ?? p.createdDateTime,
    })
    .where('id', '=', p.id)
    .execute();
}

export async function deletePolicy(db: Db, id: string): Promise<void> {
  await db.deleteFrom('ca_policies').where('id', '=', id).execute();
}

/** Policies whose grant controls reference the strength (for `usage` and delete protection). */
export async function policiesUsingStrength(db: Db, strengthId: string): Promise<ConditionalAccessPolicy[]> {
  const rows = await db
    .selectFrom('ca_policies')
    .select('body')
    .where('strength_id', '=', strengthId.toLowerCase())
    .orderBy('id')
    .execute();
  return rows.map((r) => r.body as unknown as ConditionalAccessPolicy);
}

/**
 * Serialises every CA write (policies, strengths, locations) and bumps the generation counter,
 * so the lockout guard compares against a stable "before" and caches on every node reload
 * (this node at once; the others at commit, through migration 0015's NOTIFY).
 */
export async function lockAndBumpGeneration(trx: Transaction<DB>): Promise<void> {
  conditionalAccessChanged();
  await sql`select pg_advisory_xact_lock(7460912)`.execute(trx);
  await trx
    .updateTable('ca_generation')
    .set({ generation: sql`generation + 1` })
    .where('id', '=', 1)
    .execute();
}

export async function currentGeneration(db: Db): Promise<number> {
  const r = await db.selectFrom('ca_generation').select('generation').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(r.generation);
}
