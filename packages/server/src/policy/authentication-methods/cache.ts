import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { transitiveGroupIdsOfUser } from '../../directory/membership-repository.ts';
import { methodsEnabledFor, type UserMethodPolicy } from './methodsEnabledFor.ts';
import { loadConfigurations } from './repository.ts';
import type { MethodConfiguration } from './types.ts';

export interface MethodsPolicyCache {
  /** The configurations, at most `ttlMs` old; concurrent misses share one load. */
  configurations(): Promise<readonly MethodConfiguration[]>;
  /** `methodsEnabledFor` over the cached policy; groups are loaded unless given. */
  methodsFor(userId: string, groupIds?: Iterable<string>): Promise<UserMethodPolicy>;
  /** Drops the cached policy (call after a local write to see it at once). */
  invalidate(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A per-process cache of the policy for hot paths (every sign-in asks it). A change made on any
 * node is seen within `ttlMs` (default 5 s) — the same kind of bounded delay Entra documents for
 * its method policies (entra-spec §8.5: "minutes"). The cached array is stable between reloads,
 * so the compiled form (`compile.ts`) is built once per reload, not once per sign-in.
 */
export function createMethodsPolicyCache(db: Kysely<DB>, options: { ttlMs?: number; now?: () => number } = {}): MethodsPolicyCache {
  const ttlMs = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  let cached: { configs: readonly MethodConfiguration[]; at: number } | undefined;
  let loading: Promise<readonly MethodConfiguration[]> | undefined;
  let generation = 0;

  const configurations = async (): Promise<readonly MethodConfiguration[]> => {
    if (cached && now() - cached.at < ttlMs) return cached.configs;
    if (!loading) {
      const gen = generation;
      loading = loadConfigurations(db)
        .then((configs) => {
          if (gen === generation) cached = { configs: Object.freeze(configs), at: now() };
          return configs;
        })
        .finally(() => {
          loading = undefined;
        });
    }
    return loading;
  };

  return {
    configurations,
    async methodsFor(userId, groupIds) {
      const groups = groupIds ?? (UUID.test(userId) ? transitiveGroupIdsOfUser(db, userId) : Promise.resolve([]));
      const [configs, ids] = await Promise.all([configurations(), groups]);
      return methodsEnabledFor({ id: userId, groupIds: ids }, configs);
    },
    invalidate() {
      generation++;
      cached = undefined;
    },
  };
}
