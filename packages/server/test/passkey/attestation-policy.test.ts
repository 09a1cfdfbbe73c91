import { describe, expect, it } from 'vitest';
import { decideAuthentication, decideRegistration, checkKeyRestrictions, attestationWanted } from '../../src/methods/passkey/attestation-policy.ts';
import type { Fido2Configuration, PasskeyProfile } from '../../src/policy/authentication-methods/types.ts';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const off = { isEnforced: false, enforcementType: 'block' as const, aaGuids: [] };

const config = (o: Partial<Fido2Configuration> = {}): Fido2Configuration => ({
  '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration',
  id: 'Fido2',
  state: 'enabled',
  includeTargets: [],
  excludeTargets: [],
  isSelfServiceRegistrationAllowed: true,
  isAttestationEnforced: false,
  keyRestrictions: off,
  passkeyProfiles: [],
  ...o,
});
const profile = (o: Partial<PasskeyProfile> = {}): PasskeyProfile => ({ id: 'p1', name: 'P1', passkeyTypes: 'deviceBound,synced', attestationEnforcement: 'disabled', keyRestrictions: off, ...o });
const reg = (o = {}) => ({ aaguid: A, fmt: 'packed', trust: 'trusted' as const, backupEligible: false, ...o });

describe('passkey policy core', () => {
  it('key restrictions: allow lists only, block lists all but; AAGUIDs compare case-insensitively', () => {
    expect(checkKeyRestrictions({ isEnforced: true, enforcementType: 'allow', aaGuids: [A.toUpperCase()] }, A)).toBeUndefined();
    expect(checkKeyRestrictions({ isEnforced: true, enforcementType: 'allow', aaGuids: [B] }, A)).toBe('aaguidNotAllowed');
    expect(checkKeyRestrictions({ isEnforced: true, enforcementType: 'block', aaGuids: [A] }, A)).toBe('aaguidBlocked');
    expect(checkKeyRestrictions({ isEnforced: false, enforcementType: 'block', aaGuids: [A] }, A)).toBeUndefined();
  });

  it('enforced attestation refuses none, self and untrusted, by the profile or the global switch', () => {
    const enforcedProfile = profile({ passkeyTypes: 'deviceBound', attestationEnforcement: 'registrationOnly' });
    for (const [c, p] of [[config(), enforcedProfile], [config({ isAttestationEnforced: true }), profile()]] as const) {
      expect(decideRegistration(c, [p], reg({ fmt: 'none', trust: 'none' }))).toMatchObject({ allowed: false, reason: 'attestationRequired' });
      expect(decideRegistration(c, [p], reg({ trust: 'self' }))).toMatchObject({ allowed: false, reason: 'attestationRequired' });
      expect(decideRegistration(c, [p], reg({ trust: 'untrusted' }))).toMatchObject({ allowed: false, reason: 'attestationUntrusted' });
      expect(decideRegistration(c, [p], reg())).toMatchObject({ allowed: true, profileId: 'p1' });
    }
    expect(decideRegistration(config(), [profile()], reg({ fmt: 'none', trust: 'none' })).allowed).toBe(true);
    expect(attestationWanted(config(), [profile()])).toBe(false);
    expect(attestationWanted(config(), [enforcedProfile])).toBe(true);
  });

  it('a passkey satisfying any one profile is accepted; the decision lists every profile', () => {
    const strict = profile({ id: 'strict', passkeyTypes: 'deviceBound', attestationEnforcement: 'registrationOnly' });
    const synced = profile({ id: 'synced', passkeyTypes: 'synced' });
    const d = decideRegistration(config(), [strict, synced], reg({ fmt: 'none', trust: 'none', backupEligible: true }));
    expect(d).toMatchObject({ allowed: true, profileId: 'synced', profiles: [{ profileId: 'strict', allowed: false, reason: 'passkeyTypeNotAllowed' }, { profileId: 'synced', allowed: true }] });
  });

  it('sign-in re-checks passkey type and key restrictions (profile and global) but not attestation', () => {
    const p = profile({ passkeyTypes: 'deviceBound', attestationEnforcement: 'registrationOnly' });
    expect(decideAuthentication(config(), [p], { aaguid: A, backupEligible: false }).allowed).toBe(true);
    expect(decideAuthentication(config(), [p], { aaguid: A, backupEligible: true })).toMatchObject({ allowed: false, reason: 'passkeyTypeNotAllowed' });
    expect(decideAuthentication(config({ keyRestrictions: { isEnforced: true, enforcementType: 'block', aaGuids: [A] } }), [p], { aaguid: A, backupEligible: false })).toMatchObject({ reason: 'aaguidBlocked' });
    expect(decideAuthentication(config(), [profile({ keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [B] } })], { aaguid: A, backupEligible: false })).toMatchObject({ reason: 'aaguidNotAllowed' });
  });

  it('no applicable profile means the method is not enabled; revoked models are refused even without enforcement', () => {
    expect(decideRegistration(config(), [], reg())).toMatchObject({ allowed: false, reason: 'methodNotEnabled' });
    expect(decideRegistration(config(), [profile()], reg({ metadataStatus: 'REVOKED' }))).toMatchObject({ allowed: false, reason: 'authenticatorRevoked' });
  });
});
