import type { Fido2Configuration, Fido2KeyRestrictions, PasskeyProfile } from '../../policy/authentication-methods/types.ts';
import type { PasskeyFailure } from './errors.ts';

/**
 * The pure passkey policy core (entra-spec §4.2–4.3): given the Fido2 configuration, the passkey
 * profiles that apply to the user, and the facts of a verified registration or a stored
 * credential, decide allow/deny with a machine-readable reason and one result per profile
 * (house style §12). No I/O.
 *
 * Rules:
 * - A passkey is acceptable if it fully satisfies at least one applicable profile (§4.2).
 * - passkeyTypes: `synced` = backup eligible (WebAuthn L3 §6.1.3 BE flag), `deviceBound` = not.
 * - Attestation (registration only, §4.3): enforced by the profile (`registrationOnly`) or the
 *   global `isAttestationEnforced`; then `none` and self attestation are refused and the chain
 *   must reach a trust anchor (an imported MDS root for the AAGUID, or an admin anchor).
 * - Key restrictions (registration and sign-in, §4.3): the profile's and, when enforced, the
 *   global ones — Latchkey applies both, the stricter reading while global settings and profiles
 *   coexist. `allow` = only listed AAGUIDs, `block` = all but listed.
 * - An MDS status report of compromise or revocation refuses the model at registration.
 */
export type AttestationTrust = 'trusted' | 'untrusted' | 'self' | 'none';

export interface RegistrationFacts {
  aaguid: string;
  fmt: string;
  trust: AttestationTrust;
  backupEligible: boolean;
  /** Latest MDS status of the model, when the metadata knows it. */
  metadataStatus?: string | undefined;
}

export interface CredentialFacts {
  aaguid: string;
  backupEligible: boolean;
}

export interface ProfileResult {
  profileId: string;
  allowed: boolean;
  reason?: PasskeyFailure;
}

export type PolicyDecision = { allowed: true; profileId: string; profiles: ProfileResult[] } | { allowed: false; reason: PasskeyFailure; message: string; profiles: ProfileResult[] };

/** MDS statuses that make a model untrustworthy (FIDO MDS v3.0 §3.1.4 AuthenticatorStatus). */
export const REVOKING_STATUSES: ReadonlySet<string> = new Set(['REVOKED', 'ATTESTATION_KEY_COMPROMISE', 'USER_VERIFICATION_BYPASS', 'USER_KEY_REMOTE_COMPROMISE', 'USER_KEY_PHYSICAL_COMPROMISE']);

const MESSAGES: Partial<Record<PasskeyFailure, string>> = {
  methodNotEnabled: 'Passkeys are not enabled for this user.',
  attestationRequired: 'This organisation requires attested security keys; this authenticator did not provide an attestation ("none" or self attestation).',
  attestationUntrusted: "This authenticator's attestation does not chain to a trusted root (FIDO metadata or an administrator's trust anchor).",
  authenticatorRevoked: 'The FIDO Metadata Service reports this authenticator model as compromised or revoked.',
  aaguidBlocked: 'This authenticator model is blocked by the passkey key restrictions.',
  aaguidNotAllowed: 'This authenticator model is not on the allowed list of the passkey key restrictions.',
  passkeyTypeNotAllowed: 'This kind of passkey (synced or device-bound) is not allowed by the passkey policy.',
};

/** Key restrictions (entra-spec §4.3): undefined when satisfied, else the failure. */
export function checkKeyRestrictions(r: Fido2KeyRestrictions, aaguid: string): PasskeyFailure | undefined {
  if (!r.isEnforced) return undefined;
  const listed = r.aaGuids.some((g) => g.toLowerCase() === aaguid.toLowerCase());
  if (r.enforcementType === 'allow') return listed ? undefined : 'aaguidNotAllowed';
  return listed ? 'aaguidBlocked' : undefined;
}

function checkPasskeyType(p: PasskeyProfile, backupEligible: boolean): PasskeyFailure | undefined {
  const types = p.passkeyTypes.split(',');
  return types.includes(backupEligible ? 'synced' : 'deviceBound') ? undefined : 'passkeyTypeNotAllowed';
}

function checkAttestation(enforced: boolean, f: RegistrationFacts): PasskeyFailure | undefined {
  if (f.metadataStatus && REVOKING_STATUSES.has(f.metadataStatus)) return 'authenticatorRevoked';
  if (!enforced) return undefined;
  if (f.trust === 'none' || f.trust === 'self') return 'attestationRequired';
  return f.trust === 'trusted' ? undefined : 'attestationUntrusted';
}

function decide(profiles: readonly PasskeyProfile[], check: (p: PasskeyProfile) => PasskeyFailure | undefined): PolicyDecision {
  if (profiles.length === 0) return { allowed: false, reason: 'methodNotEnabled', message: MESSAGES.methodNotEnabled!, profiles: [] };
  const results: ProfileResult[] = profiles.map((p) => {
    const reason = check(p);
    return reason ? { profileId: p.id, allowed: false, reason } : { profileId: p.id, allowed: true };
  });
  const ok = results.find((r) => r.allowed);
  if (ok) return { allowed: true, profileId: ok.profileId, profiles: results };
  const reason = results[0]!.reason!;
  return { allowed: false, reason, message: MESSAGES[reason] ?? reason, profiles: results };
}

/** May this newly verified passkey be registered? */
export function decideRegistration(config: Fido2Configuration, profiles: readonly PasskeyProfile[], f: RegistrationFacts): PolicyDecision {
  return decide(profiles, (p) =>
    checkPasskeyType(p, f.backupEligible) ??
    checkAttestation(config.isAttestationEnforced || p.attestationEnforcement === 'registrationOnly', f) ??
    checkKeyRestrictions(p.keyRestrictions, f.aaguid) ??
    checkKeyRestrictions(config.keyRestrictions, f.aaguid),
  );
}

/** May this stored passkey be used to sign in now? Attestation is not re-checked (§4.3: registration only). */
export function decideAuthentication(config: Fido2Configuration, profiles: readonly PasskeyProfile[], c: CredentialFacts): PolicyDecision {
  return decide(profiles, (p) => checkPasskeyType(p, c.backupEligible) ?? checkKeyRestrictions(p.keyRestrictions, c.aaguid) ?? checkKeyRestrictions(config.keyRestrictions, c.aaguid));
}

/** Whether registration options should ask for attestation ('direct') for this user. */
export function attestationWanted(config: Fido2Configuration, profiles: readonly PasskeyProfile[]): boolean {
  return config.isAttestationEnforced || profiles.some((p) => p.attestationEnforcement === 'registrationOnly');
}
