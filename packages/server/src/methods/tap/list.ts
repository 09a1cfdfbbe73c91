import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { findTapOfUser } from './repository.ts';
import { toGraph, type TemporaryAccessPassMethod } from './shapes.ts';
import { userAndTapPolicy } from './user.ts';

/**
 * `GET /users/{id}/authentication/temporaryAccessPassMethods`: zero or one pass (one per user),
 * with `isUsable`/`methodUsabilityReason` as of `now`; `temporaryAccessPass` is always null.
 * Expired and used passes stay listed until deleted or replaced (entra-spec §3.3).
 */
export async function listTemporaryAccessPasses(db: Kysely<DB>, idOrUpn: string, now = new Date()): Promise<TemporaryAccessPassMethod[]> {
  const { user, config } = await userAndTapPolicy(db, idOrUpn);
  const tap = await findTapOfUser(db, user.id);
  return tap ? [toGraph(tap, config, now)] : [];
}
