import type { UserMethodPolicy } from './methodsEnabledFor.ts';
import type { Fido2KeyRestrictions, PasskeyProfile } from './types.ts';

/**
 * The Fido2 method policy applied to one passkey, purely (entra-spec §4.2, §4.3). The passkey
 * ceremonies call it at registration and at every sign-in with what they verified; it answers
 * allowed or not, and for each applicable passkey profile why.
 *
 * - The method must be enabled for the user (exclude wins) — registration and sign-in.
 * - Self-service registration needs `isSelfServiceRegistrationAllowed` (registration only).
 * - A passkey is acceptable if it **fully satisfies at least one** profile (§4.2):
 *   - `passkeyTypes`: a synced passkey (backup eligible) needs `synced`, a device-bound one
 *     `deviceBound` — at sign-in too ("disabling synced blocks sign-in with synced passkeys");
 *   - `attestationEnforcement: registrationOnly`: a trusted attestation (not `none`, not self)
 *     at registration only; passkeys registered before keep working (§4.3);
 *   - key restrictions (`allow` = only listed AAGUIDs, `block` = all but them) at registration
 *     **and** sign-in (§4.3).
 */
export interface PasskeyFacts {
  /** Lower-case AAGUID; all zeros when the authenticator gives none. */
  aaguid: string;
  /** WebAuthn BE flag: the credential may be synced (a "synced passkey"). */
  backupEligible: boolean;
  /** Registration only: the attestation statement verified and chained to a trust anchor (not `none`/self). */
  attestationTrusted?: boolean;
}

export type PasskeyRefusal =
  | 'fido2NotEnabledForUser'
  | 'selfServiceRegistrationDisabled'
  | 'passkeyTypeNotAllowed'
  | 'attestationRequired'
  | 'aaguidNotAllowed'
  | 'aaguidBlocked';

export interface ProfileResult {
  profileId: string;
  profileName: string;
  satisfied: boolean;
  /** Empty when satisfied. */
  failures: PasskeyRefusal[];
}

export interface PasskeyDecision {
  allowed: boolean;
  /** The first refusal, for the error the user sees; undefined when allowed. */
  reason?: PasskeyRefusal;
  /** One result per profile that applies to the user. */
  profiles: ProfileResult[];
  /** The method decision's own words, when Fido2 is off for the user. */
  explanation?: string;
}

/** Does a key restriction let this AAGUID through? Undefined = yes, else the refusal. */
export function keyRestrictionRefusal(kr: Fido2KeyRestrictions, aaguid: string): PasskeyRefusal | undefined {
  if (!kr.isEnforced) return undefined;
  const listed = kr.aaGuids.some((g) => g.toLowerCase() === aaguid.toLowerCase());
  if (kr.enforcementType === 'allow') return listed ? undefined : 'aaguidNotAllowed';
  return listed ? 'aaguidBlocked' : undefined;
}

function checkProfile(profile: PasskeyProfile, passkey: PasskeyFacts, phase: 'registration' | 'signIn'): ProfileResult {
  const failures: PasskeyRefusal[] = [];
  const types = profile.passkeyTypes.split(',');
  if (!types.includes(passkey.backupEligible ? 'synced' : 'deviceBound')) failures.push('passkeyTypeNotAllowed');
  if (phase === 'registration' && profile.attestationEnforcement === 'registrationOnly' && !passkey.attestationTrusted)
    failures.push('attestationRequired');
  const kr = keyRestrictionRefusal(profile.keyRestrictions, passkey.aaguid);
  if (kr) failures.push(kr);
  return { profileId: profile.id, profileName: profile.name, satisfied: failures.length === 0, failures };
}

/**
 * Decides whether `passkey` may be registered (`phase: 'registration'`, self-service) or used to
 * sign in (`phase: 'signIn'`) by the user whose policy `methodsEnabledFor` computed.
 * `adminProvisioned` skips the self-service switch for admin provisioning flows — but note the
 * provisioning API also requires it to be true in Entra (§4.3), so pass false unless you mean it.
 */
export function checkPasskeyAgainstPolicy(
  policy: Pick<UserMethodPolicy, 'methods' | 'fido2Profiles'>,
  passkey: PasskeyFacts,
  phase: 'registration' | 'signIn',
  options: { adminProvisioned?: boolean } = {},
): PasskeyDecision {
  const method = policy.methods.find((m) => m.methodId === 'Fido2');
  if (!method?.enabled)
    return {
      allowed: false,
      reason: 'fido2NotEnabledForUser',
      profiles: [],
      explanation: method?.explanation ?? 'Fido2 is not configured.',
    };
  if (phase === 'registration' && !options.adminProvisioned && method.selfRegistrationReason === 'selfServiceRegistrationDisabled') {
    return { allowed: false, reason: 'selfServiceRegistrationDisabled', profiles: [], explanation: method.explanation };
  }
  const profiles = policy.fido2Profiles.map((p) => checkProfile(p, passkey, phase));
  const allowed = profiles.some((p) => p.satisfied);
  return allowed ? { allowed, profiles } : { allowed, reason: profiles[0]?.failures[0] ?? 'fido2NotEnabledForUser', profiles };
}
