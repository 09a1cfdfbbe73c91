import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { transitiveGroupIdsOfUser } from '../../directory/membership-repository.ts';
import { methodsEnabledFor, type UserMethodPolicy } from './methodsEnabledFor.ts';
import { loadConfigurations } from './repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Loads the policy and (unless given) the user's transitive group ids from the directory
 * module, then asks the pure `methodsEnabledFor`. Callers that already hold the groups (the
 * sign-in flow, bulk lockout analysis) pass them and skip the membership query.
 */
export async function loadMethodsEnabledFor(db: Kysely<DB>, userId: string, groupIds?: Iterable<string>): Promise<UserMethodPolicy> {
  const groups = groupIds ?? (UUID.test(userId) ? transitiveGroupIdsOfUser(db, userId) : Promise.resolve([]));
  const [configs, ids] = await Promise.all([loadConfigurations(db), groups]);
  return methodsEnabledFor({ id: userId, groupIds: ids }, configs);
}
