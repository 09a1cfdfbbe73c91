import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { notFound } from '../../errors.ts';
import { loadConfiguration, loadPolicy } from './repository.ts';
import { canonicalMethodId, type AuthenticationMethodsPolicy, type MethodConfiguration } from './types.ts';

/** `GET /policies/authenticationMethodsPolicy`: the whole policy in Graph's shape. */
export async function getAuthenticationMethodsPolicy(db: Kysely<DB>): Promise<AuthenticationMethodsPolicy> {
  return loadPolicy(db);
}

/** `GET …/authenticationMethodConfigurations/{id}`; the id is case-insensitive (`fido2` = `Fido2`). 404 otherwise. */
export async function getMethodConfiguration(db: Kysely<DB>, idParam: string): Promise<MethodConfiguration> {
  const id = canonicalMethodId(idParam);
  const config = id ? await loadConfiguration(db, id) : undefined;
  if (!config) throw notFound('authenticationMethodConfiguration', idParam);
  return config;
}
