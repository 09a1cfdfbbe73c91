import {
  ALL_USERS,
  DEFAULT_PASSKEY_PROFILE_ID,
  type AuthenticationMethodTarget,
  type ExcludeTarget,
  type Fido2Configuration,
  type MethodConfiguration,
  type MethodId,
  type PasskeyAuthenticationMethodTarget,
  type PasskeyProfile,
} from './types.ts';

/**
 * The pure core of the authentication methods policy: is a method on for this user, and which
 * passkey profiles apply. State in (a configuration, the user's id and transitive group ids),
 * a decision with its reason out (house style §12). No I/O; `methodsEnabledFor.ts` loads the inputs.
 *
 * Rules (entra-spec §4.2, §7.5, §7.7): the method must be `enabled`; the user must match an
 * include target (`all_users`, the user, or a group they are in, nested groups included); and
 * must match no exclude target — exclude beats include.
 */
export type MethodDecisionReason =
  'disabledByPolicy' | 'excludedAsUser' | 'excludedViaGroup' | 'includedAsUser' | 'includedViaGroup' | 'includedAllUsers' | 'notIncluded';

export interface MethodDecision {
  methodId: MethodId;
  enabled: boolean;
  reason: MethodDecisionReason;
  /** The include or exclude target that decided, when one did. */
  targetId?: string;
}

/** Does this target name the user: `all_users`, the user's id, or one of their (transitive) groups? */
export function targetMatches(
  target: Pick<AuthenticationMethodTarget, 'id' | 'targetType'>,
  userId: string,
  userGroupIds: ReadonlySet<string>,
): boolean {
  const id = target.id.toLowerCase();
  if (target.targetType === 'group') return id === ALL_USERS || userGroupIds.has(id);
  return id === userId.toLowerCase();
}

const lowerSet = (s: ReadonlySet<string>): ReadonlySet<string> =>
  [...s].every((g) => g === g.toLowerCase()) ? s : new Set([...s].map((g) => g.toLowerCase()));

/** The decision for one method and one user, with the reason and the target that decided it. */
export function evaluateMethodForUser(config: MethodConfiguration, userGroupIds: ReadonlySet<string>, userId: string): MethodDecision {
  const groups = lowerSet(userGroupIds);
  const methodId = config.id;
  if (config.state !== 'enabled') return { methodId, enabled: false, reason: 'disabledByPolicy' };
  const excluded: ExcludeTarget | undefined = config.excludeTargets.find((t) => targetMatches(t, userId, groups));
  if (excluded)
    return {
      methodId,
      enabled: false,
      reason: excluded.targetType === 'user' ? 'excludedAsUser' : 'excludedViaGroup',
      targetId: excluded.id,
    };
  const included = matchingIncludeTargets(config, groups, userId);
  const best = included.find((t) => t.targetType === 'user') ?? included.find((t) => t.id !== ALL_USERS) ?? included[0];
  if (!best) return { methodId, enabled: false, reason: 'notIncluded' };
  const reason: MethodDecisionReason =
    best.targetType === 'user' ? 'includedAsUser' : best.id === ALL_USERS ? 'includedAllUsers' : 'includedViaGroup';
  return { methodId, enabled: true, reason, targetId: best.id };
}

/** True when the method is enabled, the user is included, and no exclude target names them. */
export function isMethodEnabledForUser(config: MethodConfiguration, userGroupIds: ReadonlySet<string>, userId: string): boolean {
  return evaluateMethodForUser(config, userGroupIds, userId).enabled;
}

/** The include targets that name the user (ignores state and excludes). */
export function matchingIncludeTargets<C extends MethodConfiguration>(
  config: C,
  userGroupIds: ReadonlySet<string>,
  userId: string,
): C['includeTargets'] {
  const groups = lowerSet(userGroupIds);
  return config.includeTargets.filter((t) => targetMatches(t, userId, groups)) as C['includeTargets'];
}

/**
 * The profile that stands for the global settings of a policy not opted in to profiles
 * (`passkeyProfiles: []`). Synced passkeys need profiles (entra-spec §4.2), so it allows
 * device-bound passkeys only; attestation and key restrictions are the global ones.
 */
export function legacyPasskeyProfile(config: Fido2Configuration): PasskeyProfile {
  return {
    id: DEFAULT_PASSKEY_PROFILE_ID,
    name: 'Default passkey profile',
    passkeyTypes: 'deviceBound',
    attestationEnforcement: config.isAttestationEnforced ? 'registrationOnly' : 'disabled',
    keyRestrictions: { ...config.keyRestrictions, aaGuids: [...config.keyRestrictions.aaGuids] },
  };
}

/**
 * The passkey profiles that apply to a user, in policy order: the union of `allowedPasskeyProfiles`
 * over the include targets that name them (an empty list means the Default profile). Empty when
 * the method is not enabled for the user. A passkey is acceptable if it fully satisfies at least
 * one of them (entra-spec §4.2); without profiles, the global settings as `legacyPasskeyProfile`.
 */
export function fido2ProfilesForUser(config: Fido2Configuration, userGroupIds: ReadonlySet<string>, userId: string): PasskeyProfile[] {
  if (!isMethodEnabledForUser(config, userGroupIds, userId)) return [];
  return profilesForTargets(config, matchingIncludeTargets(config, userGroupIds, userId));
}

/** The profiles granted by the include targets that name a user (who is known to be enabled). */
export function profilesForTargets(config: Fido2Configuration, matching: readonly PasskeyAuthenticationMethodTarget[]): PasskeyProfile[] {
  if (config.passkeyProfiles.length === 0) return [legacyPasskeyProfile(config)];
  const wanted = new Set<string>();
  for (const t of matching) {
    const ids = t.allowedPasskeyProfiles ?? [];
    for (const id of ids.length ? ids : [DEFAULT_PASSKEY_PROFILE_ID]) wanted.add(id.toLowerCase());
  }
  return config.passkeyProfiles.filter((p) => wanted.has(p.id.toLowerCase()));
}
