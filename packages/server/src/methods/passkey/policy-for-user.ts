import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { loadMethodsEnabledFor } from '../../policy/authentication-methods/forUser.ts';
import type { UserMethodPolicy } from '../../policy/authentication-methods/methodsEnabledFor.ts';
import type { Fido2Configuration, PasskeyProfile } from '../../policy/authentication-methods/types.ts';
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
  const config = policy.configurations.Fido2;
  const method = policy.methods.find((m) => m.methodId === 'Fido2');
  if (!config || !policy.enabled.has('Fido2') || policy.fido2Profiles.length === 0) {
    throw new PasskeyError('methodNotEnabled', 'Passkeys are not enabled for this user.', { details: { policyReason: method?.reason ?? 'disabledByPolicy' } });
  }
  return { config, profiles: policy.fido2Profiles, canSelfRegister: method?.canSelfRegister ?? false, selfRegistrationReason: method?.selfRegistrationReason ?? 'methodNotEnabled' };
}
