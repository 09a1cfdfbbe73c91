import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { notFound } from '../../errors.ts';
import { findTapOfUser } from './repository.ts';
import { toGraph, type TemporaryAccessPassMethod } from './shapes.ts';
import { userAndTapPolicy } from './user.ts';

/** `GET /users/{id}/authentication/temporaryAccessPassMethods/{methodId}`; never the pass. 404 when not the user's. */
export async function getTemporaryAccessPass(
  db: Kysely<DB>,
  idOrUpn: string,
  methodId: string,
  now = new Date(),
): Promise<TemporaryAccessPassMethod> {
  const { user, config } = await userAndTapPolicy(db, idOrUpn);
  const tap = await findTapOfUser(db, user.id);
  if (!tap || tap.id.toLowerCase() !== methodId.toLowerCase()) throw notFound('temporaryAccessPassAuthenticationMethod', methodId);
  return toGraph(tap, config, now);
}
