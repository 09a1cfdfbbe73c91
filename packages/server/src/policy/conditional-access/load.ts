import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { changeEpoch } from './changes.ts';
import { listCustomStrengths } from '../strengths/repository.ts';
import { listNamedLocations } from '../locations/repository.ts';
import { compilePolicies, type CompiledPolicies } from './compile.ts';
import { currentGeneration, listPolicies } from './repository.ts';

/** Even with no change signalled, the generation counter is read again after this long (a lost notification). */
const RECHECK_MS = 5_000;

const cache = new WeakMap<Kysely<DB>, { generation: number; compiled: CompiledPolicies; epoch: number; checkedAt: number }>();
const inFlight = new WeakMap<Kysely<DB>, { epoch: number; promise: Promise<CompiledPolicies> }>();
/**
 * The compiled policies, strengths and named locations. Recompiled only when the generation
 * counter moved (every CA write bumps it in the same transaction); the counter itself is read
 * only after a change was signalled (changes.ts) or every 5 s, not on every sign-in (ADR 0011). Calls
 * that overlap share one read (a sign-in asks for the policies from several places at once, and
 * concurrent sign-ins ask together).
 */
export function loadCompiledPolicies(db: Kysely<DB>): Promise<CompiledPolicies> {
  const hit = cache.get(db);
  if (hit && hit.epoch === changeEpoch() && Date.now() - hit.checkedAt < RECHECK_MS) return Promise.resolve(hit.compiled);
  // Join a read in flight only if no change was signalled since it started.
  const pending = inFlight.get(db);
  if (pending && pending.epoch === changeEpoch()) return pending.promise;
  const next = { epoch: changeEpoch(), promise: load(db).finally(() => inFlight.get(db) === next && inFlight.delete(db)) };
  inFlight.set(db, next);
  return next.promise;
}

async function load(db: Kysely<DB>): Promise<CompiledPolicies> {
  const seen = changeEpoch();
  const checkedAt = Date.now();
  const generation = await currentGeneration(db);
  const hit = cache.get(db);
  if (hit && hit.generation === generation) {
    cache.set(db, { ...hit, epoch: seen, checkedAt });
    return hit.compiled;
  }
  const [policies, strengths, locations] = await Promise.all([listPolicies(db), listCustomStrengths(db), listNamedLocations(db)]);
  const compiled = compilePolicies(policies, strengths, locations);
  cache.set(db, { generation, compiled, epoch: seen, checkedAt });
  return compiled;
}
