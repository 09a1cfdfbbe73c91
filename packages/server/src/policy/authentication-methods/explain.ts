import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { notFound } from '../../errors.ts';
import { findUserRowByKey } from '../../directory/users-repository.ts';
import { loadMethodsEnabledFor } from './forUser.ts';
import type { MethodAvailability } from './methodsEnabledFor.ts';
import type { MethodId, PasskeyProfile } from './types.ts';

/** What the console shows for "which methods may this user use, and why" (Latchkey extension). */
export interface UserMethodsExplanation {
  userId: string;
  userPrincipalName: string;
  /** Enabled by policy and performable by Latchkey. */
  usableMethods: MethodId[];
  selfRegistrableMethods: MethodId[];
  methods: MethodAvailability[];
  passkeyProfiles: Array<Pick<PasskeyProfile, 'id' | 'name' | 'passkeyTypes' | 'attestationEnforcement'>>;
}

/**
 * `POST /policies/authenticationMethodsPolicy/evaluate {userId}`: the policy's answer for one
 * user (by id or userPrincipalName), method by method, with reasons. Read-only; 404 for an unknown user.
 */
export async function explainMethodsForUser(db: Kysely<DB>, userKey: string): Promise<UserMethodsExplanation> {
  const user = await findUserRowByKey(db, userKey);
  if (!user) throw notFound('user', userKey);
  const policy = await loadMethodsEnabledFor(db, user.id);
  return {
    userId: user.id,
    userPrincipalName: user.user_principal_name,
    usableMethods: [...policy.usable],
    selfRegistrableMethods: [...policy.selfRegistrable],
    methods: policy.methods,
    passkeyProfiles: policy.fido2Profiles.map(({ id, name, passkeyTypes, attestationEnforcement }) => ({
      id,
      name,
      passkeyTypes,
      attestationEnforcement,
    })),
  };
}
