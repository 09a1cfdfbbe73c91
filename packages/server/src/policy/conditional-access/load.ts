import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { listCustomStrengths } from '../strengths/repository.ts';
import { listNamedLocations } from '../locations/repository.ts';
import { compilePolicies, type CompiledPolicies } from './compile.ts';
import { currentGeneration, listPolicies } from './repository.ts';

const cache = new WeakMap<Kysely<DB>, { generation: number; compiled: CompiledPolicies }>();
const inFlight = new WeakMap<Kysely<DB>, Promise<CompiledPolicies>>();

/**
 * The compiled policies, strengths and named locations. Recompiled only when the generation
 * counter moved (every CA write bumps it in the same transaction), so every node sees a change
 * on its next sign-in at the cost of one one-row read. Calls that overlap share one read (a sign-in
 * asks for the policies from two places at once, and concurrent sign-ins ask together).
 */
export function loadCompiledPolicies(db: Kysely<DB>): Promise<CompiledPolicies> {
  let pending = inFlight.get(db);
  if (!pending) {
    pending = load(db).finally(() => inFlight.delete(db));
    inFlight.set(db, pending);
  }
  return pending;
}

async function load(db: Kysely<DB>): Promise<CompiledPolicies> {
  const generation = await currentGeneration(db);
  const hit = cache.get(db);
  if (hit && hit.generation === generation) return hit.compiled;
  const [policies, strengths, locations] = await Promise.all([listPolicies(db), listCustomStrengths(db), listNamedLocations(db)]);
  const compiled = compilePolicies(policies, strengths, locations);
  cache.set(db, { generation, compiled });
  return compiled;
}
