import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { notFound } from '../../errors.ts';
import { PASSWORD_METHOD_ID } from './params.ts';
import { findUser, loadPassword } from './repository.ts';

/** Graph `passwordAuthenticationMethod`: the password itself is always null; the hash never leaves the store. */
export interface PasswordAuthenticationMethod {
  id: typeof PASSWORD_METHOD_ID;
  password: null;
  /** When the current password was set. */
  createdDateTime: string;
}

/**
 * A user's password methods: one entry while the user has an enabled password, none otherwise
 * (unlike Entra, where every user has one). 404 for an unknown user.
 */
export async function listPasswordMethods(db: Kysely<DB>, userIdOrUpn: string): Promise<PasswordAuthenticationMethod[]> {
  const user = await findUser(db, userIdOrUpn);
  if (!user) throw notFound('user', userIdOrUpn);
  const stored = await loadPassword(db, user.id);
  return stored?.enabled ? [{ id: PASSWORD_METHOD_ID, password: null, createdDateTime: stored.createdAt.toISOString() }] : [];
}
