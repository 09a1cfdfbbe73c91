import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { evaluateMethodForUser, fido2ProfilesForUser, type MethodDecision } from './evaluate.ts';
import { loadConfigurations, transitiveGroupIdsOf } from './repository.ts';
import type { ConfigurationOf, MethodConfiguration, MethodId, PasskeyProfile } from './types.ts';

/** What the authentication methods policy allows one user, with the reason for every method. */
export interface UserMethodPolicy {
  userId: string;
  /** Methods the policy enables for the user (entra-spec §7.7: "a method counts only if enabled for them"). */
  enabled: ReadonlySet<MethodId>;
  /** One decision per configured method, in catalogue order. */
  decisions: MethodDecision[];
  /** Passkey profiles that apply (empty when Fido2 is off for the user). */
  fido2Profiles: PasskeyProfile[];
  /** The configurations evaluated, for callers that need a method's settings (TAP lifetimes, …). */
  configurations: Partial<{ [K in MethodId]: ConfigurationOf<K> }>;
  /** The user's transitive group ids, as loaded. */
  groupIds: ReadonlySet<string>;
}

/**
 * Loads the policy and the user's transitive groups once and evaluates every method for the
 * user. The sign-in flow, My Security Info and the TAP/passkey ceremonies ask this.
 */
export async function methodsEnabledFor(db: Kysely<DB> | Transaction<DB>, userId: string): Promise<UserMethodPolicy> {
  const [configs, groupIds] = await Promise.all([loadConfigurations(db), transitiveGroupIdsOf(db, userId)]);
  return evaluateAll(configs, groupIds, userId);
}

/** The pure part of `methodsEnabledFor`, for callers that already hold the policy and groups (bulk analysis). */
export function evaluateAll(configs: readonly MethodConfiguration[], groupIds: ReadonlySet<string>, userId: string): UserMethodPolicy {
  const decisions = configs.map((c) => evaluateMethodForUser(c, groupIds, userId));
  const configurations: Record<string, MethodConfiguration> = {};
  for (const c of configs) configurations[c.id] = c;
  const fido2 = configs.find((c) => c.id === 'Fido2');
  return {
    userId,
    enabled: new Set(decisions.filter((d) => d.enabled).map((d) => d.methodId)),
    decisions,
    fido2Profiles: fido2 ? fido2ProfilesForUser(fido2, groupIds, userId) : [],
    configurations: configurations as UserMethodPolicy['configurations'],
    groupIds,
  };
}
