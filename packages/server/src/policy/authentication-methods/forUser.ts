import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { methodsEnabledFor, type UserMethodPolicy } from './methodsEnabledFor.ts';
import { loadConfigurations, transitiveGroupIdsOf } from './repository.ts';

/**
 * Loads the policy and (unless given) the user's transitive group ids, then asks the pure
 * `methodsEnabledFor`. Callers that already hold the groups (the sign-in flow, bulk lockout
 * analysis) pass them and skip the membership query.
 */
export async function loadMethodsEnabledFor(db: Kysely<DB> | Transaction<DB>, userId: string, groupIds?: Iterable<string>): Promise<UserMethodPolicy> {
  const [configs, groups] = await Promise.all([loadConfigurations(db), groupIds ?? transitiveGroupIdsOf(db, userId)]);
  return methodsEnabledFor({ id: userId, groupIds: groups }, configs);
}
