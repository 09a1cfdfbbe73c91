import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { notFound } from '../../errors.ts';
import { loadConfiguration, loadPolicy, policyVersion } from './repository.ts';
import { canonicalMethodId, type AuthenticationMethodsPolicy, type MethodConfiguration } from './types.ts';

/** `GET /policies/authenticationMethodsPolicy`: the whole policy in Graph's shape, with its version (for `ETag`). */
export async function getAuthenticationMethodsPolicy(db: Kysely<DB>): Promise<{ policy: AuthenticationMethodsPolicy; version: number }> {
  return db.transaction().execute(async (trx) => ({ policy: await loadPolicy(trx), version: await policyVersion(trx) }));
}

/** `GET …/authenticationMethodConfigurations/{id}`; the id is case-insensitive (`fido2` = `Fido2`). 404 otherwise. */
export async function getMethodConfiguration(
  db: Kysely<DB>,
  idParam: string,
): Promise<{ configuration: MethodConfiguration; version: number }> {
  const id = canonicalMethodId(idParam);
  const found = id ? await loadConfiguration(db, id) : undefined;
  if (!found) throw notFound('authenticationMethodConfiguration', idParam);
  return found;
}
