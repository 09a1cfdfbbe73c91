import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { notFound } from '../../errors.ts';
import { findUser, type UserRef } from '../password/repository.ts';
import { loadMethodsEnabledFor } from '../../policy/authentication-methods/forUser.ts';
import type { TemporaryAccessPassConfiguration } from '../../policy/authentication-methods/types.ts';
import { tapConfigFor } from './policy.ts';

/** The user of `/users/{id | userPrincipalName}` (404 otherwise) and the TAP policy in scope for them. */
export async function userAndTapPolicy(
  db: Kysely<DB>,
  idOrUpn: string,
): Promise<{ user: UserRef; config: TemporaryAccessPassConfiguration | undefined }> {
  const user = await findUser(db, idOrUpn);
  if (!user) throw notFound('user', idOrUpn);
  return { user, config: tapConfigFor(await loadMethodsEnabledFor(db, user.id)) };
}
