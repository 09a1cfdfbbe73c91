import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { loadMethodsEnabledFor } from '../../policy/authentication-methods/forUser.ts';
import { methodsEnabledFor, type UserMethodPolicy } from '../../policy/authentication-methods/methodsEnabledFor.ts';
import { loadConfigurations } from '../../policy/authentication-methods/repository.ts';
import type { Fido2Configuration, MethodConfiguration, PasskeyProfile } from '../../policy/authentication-methods/types.ts';
import { PasskeyError } from './errors.ts';

export interface UserPasskeyPolicy {
  config: Fido2Configuration;
  profiles: PasskeyProfile[];
  canSelfRegister: boolean;
  selfRegistrationReason: string;
}

/**
 * The Fido2 part of the authentication methods policy for one user, from the policy module
 * (`loadMethodsEnabledFor`). Throws 403 `methodNotEnabled` when passkeys are off for them
 * (disabled, not included, or excluded — exclude wins, entra-spec §4.2). A caller that already
 * evaluated the policy for this user in the same request (the sign-in flow) passes it as `preloaded`.
 */
export async function passkeyPolicyFor(db: Kysely<DB>, userId: string, preloaded?: UserMethodPolicy): Promise<UserPasskeyPolicy> {
  const policy = preloaded && preloaded.userId === userId ? preloaded : await loadMethodsEnabledFor(db, userId);
  return fido2Part(policy);
}

/** Configurations per database, labelled with the policy version they were read at (or after). */
const configsAt = new WeakMap<Kysely<DB>, { version: number; configs: Promise<readonly MethodConfiguration[]> }>();

/**
 * The same decision for a user whose groups and the policy's version counter the caller read
 * in its own statement (the sign-in assertion lookup): the configurations are reloaded only when
 * the version moved, so a policy change is seen by the very next sign-in, on every node (every
 * policy write bumps the counter — `policy/authentication-methods/repository.ts`). The cached
 * array is stable between versions, so its compiled form is reused as well.
 */
export async function passkeyPolicyAtVersion(db: Kysely<DB>, user: { id: string; groupIds: string[] }, version: number, preloaded?: UserMethodPolicy): Promise<UserPasskeyPolicy> {
  if (preloaded && preloaded.userId === user.id) return fido2Part(preloaded);
  let entry = configsAt.get(db);
  if (!entry || entry.version !== version) {
    // Read after the version was seen: at least as new as `version` (a newer one is relabelled by the next request).
    entry = { version, configs: loadConfigurations(db).then((c) => Object.freeze(c)) };
    configsAt.set(db, entry);
    entry.configs.catch(() => configsAt.get(db) === entry && configsAt.delete(db));
  }
  return fido2Part(methodsEnabledFor(user, await entry.configs));
}

function fido2Part(policy: UserMethodPolicy): UserPasskeyPolicy {
  const config = policy.configurations.Fido2;
  const method = policy.methods.find((m) => m.methodId === 'Fido2');
  if (!config || !policy.enabled.has('Fido2') || policy.fido2Profiles.length === 0) {
    throw new PasskeyError('methodNotEnabled', 'Passkeys are not enabled for this user.', { details: { policyReason: method?.reason ?? 'disabledByPolicy' } });
  }
  return { config, profiles: policy.fido2Profiles, canSelfRegister: method?.canSelfRegister ?? false, selfRegistrationReason: method?.selfRegistrationReason ?? 'methodNotEnabled' };
}
