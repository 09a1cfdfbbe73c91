import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPasskeyAgainstPolicy } from '../../src/policy/authentication-methods/passkeyPolicy.ts';
import { methodsEnabledFor } from '../../src/policy/authentication-methods/methodsEnabledFor.ts';
import {
  ALL_USERS,
  DEFAULT_PASSKEY_PROFILE_ID,
  ODATA_TYPE,
  type Fido2Configuration,
  type Fido2KeyRestrictions,
} from '../../src/policy/authentication-methods/types.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const ADMINS = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const STRICT = '33333333-3333-4333-8333-333333333333';
const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const OTHER = 'ee882879-721c-4913-9775-3dfcce97072a';
const off: Fido2KeyRestrictions = { isEnforced: false, enforcementType: 'block', aaGuids: [] };

function fido2(over: Partial<Fido2Configuration> = {}): Fido2Configuration {
  return {
    '@odata.type': ODATA_TYPE.Fido2,
    id: 'Fido2',
    state: 'enabled',
    isSelfServiceRegistrationAllowed: true,
    isAttestationEnforced: false,
    keyRestrictions: off,
    passkeyProfiles: [
      {
        id: DEFAULT_PASSKEY_PROFILE_ID,
        name: 'Default passkey profile',
        passkeyTypes: 'deviceBound,synced',
        attestationEnforcement: 'disabled',
        keyRestrictions: off,
      },
      {
        id: STRICT,
        name: 'Admins',
        passkeyTypes: 'deviceBound',
        attestationEnforcement: 'registrationOnly',
        keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [YUBIKEY] },
      },
    ],
    includeTargets: [
      { targetType: 'group', id: ALL_USERS, isRegistrationRequired: false, allowedPasskeyProfiles: [] },
      { targetType: 'group', id: ADMINS, isRegistrationRequired: false, allowedPasskeyProfiles: [STRICT] },
    ],
    excludeTargets: [],
    ...over,
  };
}
const forUser = (config: Fido2Configuration, groups: string[] = []) => methodsEnabledFor({ id: USER, groupIds: groups }, [config]);

describe('checkPasskeyAgainstPolicy', () => {
  it('refuses when Fido2 is off for the user or they are excluded, at registration and sign-in', () => {
    const key = { aaguid: YUBIKEY, backupEligible: false, attestationTrusted: true };
    expect(checkPasskeyAgainstPolicy(forUser(fido2({ state: 'disabled' })), key, 'signIn')).toMatchObject({
      allowed: false,
      reason: 'fido2NotEnabledForUser',
    });
    const excluded = forUser(fido2({ excludeTargets: [{ targetType: 'group', id: ADMINS }] }), [ADMINS]);
    expect(checkPasskeyAgainstPolicy(excluded, key, 'registration')).toMatchObject({ allowed: false, reason: 'fido2NotEnabledForUser' });
  });

  it('refuses self-service registration when isSelfServiceRegistrationAllowed is false, but not sign-in', () => {
    const p = forUser(fido2({ isSelfServiceRegistrationAllowed: false }));
    const key = { aaguid: OTHER, backupEligible: true };
    expect(checkPasskeyAgainstPolicy(p, key, 'registration')).toMatchObject({ allowed: false, reason: 'selfServiceRegistrationDisabled' });
    expect(checkPasskeyAgainstPolicy(p, key, 'signIn').allowed).toBe(true);
  });

  it('accepts a passkey that fully satisfies at least one profile, and reports each profile', () => {
    const admin = forUser(fido2(), [ADMINS]);
    const synced = checkPasskeyAgainstPolicy(admin, { aaguid: OTHER, backupEligible: true }, 'registration');
    expect(synced.allowed).toBe(true);
    expect(synced.profiles).toEqual([
      { profileId: DEFAULT_PASSKEY_PROFILE_ID, profileName: 'Default passkey profile', satisfied: true, failures: [] },
      {
        profileId: STRICT,
        profileName: 'Admins',
        satisfied: false,
        failures: ['passkeyTypeNotAllowed', 'attestationRequired', 'aaguidNotAllowed'],
      },
    ]);
  });

  it('enforces attestation at registration only, key restrictions at both', () => {
    const onlyStrict = fido2({
      includeTargets: [{ targetType: 'group', id: ALL_USERS, isRegistrationRequired: false, allowedPasskeyProfiles: [STRICT] }],
    });
    const p = forUser(onlyStrict);
    expect(
      checkPasskeyAgainstPolicy(p, { aaguid: YUBIKEY, backupEligible: false, attestationTrusted: false }, 'registration'),
    ).toMatchObject({ allowed: false, reason: 'attestationRequired' });
    expect(checkPasskeyAgainstPolicy(p, { aaguid: YUBIKEY, backupEligible: false, attestationTrusted: true }, 'registration').allowed).toBe(
      true,
    );
    expect(checkPasskeyAgainstPolicy(p, { aaguid: YUBIKEY, backupEligible: false }, 'signIn').allowed).toBe(true);
    expect(checkPasskeyAgainstPolicy(p, { aaguid: OTHER, backupEligible: false }, 'signIn')).toMatchObject({
      allowed: false,
      reason: 'aaguidNotAllowed',
    });
  });

  it('classic (no profiles): global block list and attestation apply; synced passkeys need profiles', () => {
    const classic = fido2({
      passkeyProfiles: [],
      isAttestationEnforced: true,
      keyRestrictions: { isEnforced: true, enforcementType: 'block', aaGuids: [OTHER] },
      includeTargets: [{ targetType: 'group', id: ALL_USERS, isRegistrationRequired: false, allowedPasskeyProfiles: [] }],
    });
    const p = forUser(classic);
    expect(checkPasskeyAgainstPolicy(p, { aaguid: OTHER, backupEligible: false }, 'signIn')).toMatchObject({
      allowed: false,
      reason: 'aaguidBlocked',
    });
    expect(checkPasskeyAgainstPolicy(p, { aaguid: YUBIKEY, backupEligible: true }, 'signIn')).toMatchObject({
      allowed: false,
      reason: 'passkeyTypeNotAllowed',
    });
    expect(
      checkPasskeyAgainstPolicy(p, { aaguid: YUBIKEY, backupEligible: false, attestationTrusted: false }, 'registration'),
    ).toMatchObject({ allowed: false, reason: 'attestationRequired' });
    expect(checkPasskeyAgainstPolicy(p, { aaguid: YUBIKEY, backupEligible: false }, 'signIn').allowed).toBe(true);
  });

  it('property: an enforced block list naming the AAGUID refuses in every profile and phase', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('registration' as const, 'signIn' as const),
        (backupEligible, attestationTrusted, phase) => {
          const block: Fido2KeyRestrictions = { isEnforced: true, enforcementType: 'block', aaGuids: [YUBIKEY.toUpperCase()] };
          const config = fido2();
          config.passkeyProfiles = config.passkeyProfiles.map((pp) => ({ ...pp, keyRestrictions: block }));
          expect(
            checkPasskeyAgainstPolicy(forUser(config, [ADMINS]), { aaguid: YUBIKEY, backupEligible, attestationTrusted }, phase).allowed,
          ).toBe(false);
        },
      ),
    );
  });
});
