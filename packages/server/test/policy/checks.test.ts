import { describe, expect, it } from 'vitest';
import { CONFIGURATION_CHECKS, checkConfiguration } from '../../src/policy/authentication-methods/checks.ts';
import { applyPatch, changedProperties } from '../../src/policy/authentication-methods/merge.ts';
import { configurationPatchSchema } from '../../src/policy/authentication-methods/schemas.ts';
import {
  ALL_USERS,
  DEFAULT_PASSKEY_PROFILE_ID,
  ODATA_TYPE,
  type Fido2Configuration,
  type MethodConfiguration,
  type TemporaryAccessPassConfiguration,
} from '../../src/policy/authentication-methods/types.ts';

const G1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const PROFILE2 = '33333333-3333-4333-8333-333333333333';
const kr = { isEnforced: false, enforcementType: 'block' as const, aaGuids: [] as string[] };
const profile = (id: string, name: string, over: object = {}) => ({
  id,
  name,
  passkeyTypes: 'deviceBound' as const,
  attestationEnforcement: 'disabled' as const,
  keyRestrictions: kr,
  ...over,
});

const fido2: Fido2Configuration = {
  '@odata.type': ODATA_TYPE.Fido2,
  id: 'Fido2',
  state: 'enabled',
  isSelfServiceRegistrationAllowed: true,
  isAttestationEnforced: true,
  keyRestrictions: kr,
  passkeyProfiles: [],
  includeTargets: [{ targetType: 'group', id: ALL_USERS, isRegistrationRequired: false, allowedPasskeyProfiles: [] }],
  excludeTargets: [],
};
const tap: TemporaryAccessPassConfiguration = {
  '@odata.type': ODATA_TYPE.TemporaryAccessPass,
  id: 'TemporaryAccessPass',
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  defaultLength: 8,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  isUsableOnce: false,
  includeTargets: [{ targetType: 'group', id: ALL_USERS, isRegistrationRequired: false }],
  excludeTargets: [],
};

/** Which named checks fail for a configuration (with `previous` defaulting to the valid base). */
function failing(next: MethodConfiguration, previous: MethodConfiguration = next.id === 'Fido2' ? fido2 : tap): string[] {
  return CONFIGURATION_CHECKS.filter((c) => c.run(next, previous) !== undefined).map((c) => c.name);
}

describe('the named configuration checks', () => {
  it('pass on the defaults', () => {
    expect(checkConfiguration(fido2, fido2)).toEqual([]);
    expect(checkConfiguration(tap, tap)).toEqual([]);
  });

  const cases: Array<[string, MethodConfiguration, RegExp]> = [
    [
      'allUsersIsAGroup',
      { ...tap, includeTargets: [{ targetType: 'user', id: ALL_USERS, isRegistrationRequired: false }] },
      /targetType 'group'/,
    ],
    ['allUsersNotExcluded', { ...tap, excludeTargets: [{ targetType: 'group', id: ALL_USERS }] }, /set state to 'disabled'/],
    ['uniqueIncludeTargets', { ...tap, includeTargets: [...tap.includeTargets, ...tap.includeTargets] }, /more than once/],
    [
      'uniqueExcludeTargets',
      {
        ...tap,
        excludeTargets: [
          { targetType: 'group', id: G1 },
          { targetType: 'group', id: G1.toUpperCase() },
        ],
      },
      /more than once/,
    ],
    ['tapLifetimesOrdered', { ...tap, minimumLifetimeInMinutes: 500 }, /must not exceed/],
    ['tapLifetimesOrdered', { ...tap, defaultLifetimeInMinutes: 30, minimumLifetimeInMinutes: 60 }, /between minimumLifetimeInMinutes/],
    [
      'allowListNotEmpty',
      { ...fido2, keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [] } },
      /refuse every passkey/,
    ],
    ['uniqueAaGuids', { ...fido2, keyRestrictions: { ...kr, aaGuids: [G1, G1] } }, /more than once/],
    [
      'passkeyProfileCount',
      {
        ...fido2,
        passkeyProfiles: [
          profile(DEFAULT_PASSKEY_PROFILE_ID, 'Default'),
          profile(PROFILE2, 'B'),
          profile(G1, 'C'),
          profile('44444444-4444-4444-8444-444444444444', 'D'),
        ],
      },
      /At most 3/,
    ],
    [
      'uniquePasskeyProfiles',
      { ...fido2, passkeyProfiles: [profile(DEFAULT_PASSKEY_PROFILE_ID, 'Same'), profile(PROFILE2, 'same')] },
      /name 'same'/,
    ],
    ['defaultPasskeyProfilePresent', { ...fido2, passkeyProfiles: [profile(PROFILE2, 'Only')] }, /Default passkey profile/],
    [
      'syncedNotAttested',
      {
        ...fido2,
        passkeyProfiles: [
          profile(DEFAULT_PASSKEY_PROFILE_ID, 'Default', {
            passkeyTypes: 'deviceBound,synced',
            attestationEnforcement: 'registrationOnly',
          }),
        ],
      },
      /cannot be attested/,
    ],
    [
      'passkeyProfileReferences',
      {
        ...fido2,
        includeTargets: [{ targetType: 'group', id: ALL_USERS, isRegistrationRequired: false, allowedPasskeyProfiles: [PROFILE2] }],
      },
      /does not exist/,
    ],
  ];
  for (const [name, config, message] of cases) {
    it(`${name} refuses with a clear message (${message.source})`, () => {
      expect(failing(config)).toContain(name);
      expect(checkConfiguration(config, config.id === 'Fido2' ? fido2 : tap).join(' ')).toMatch(message);
    });
  }

  it('passkeyProfileReferences names the profile when a referenced one is deleted', () => {
    const withProfiles: Fido2Configuration = {
      ...fido2,
      passkeyProfiles: [profile(DEFAULT_PASSKEY_PROFILE_ID, 'Default'), profile(PROFILE2, 'Strict')],
      includeTargets: [{ targetType: 'group', id: G1, isRegistrationRequired: false, allowedPasskeyProfiles: [PROFILE2] }],
    };
    const deleted = { ...withProfiles, passkeyProfiles: [profile(DEFAULT_PASSKEY_PROFILE_ID, 'Default')] };
    expect(checkConfiguration(deleted, withProfiles)).toEqual([expect.stringMatching(/'Strict'.*cannot be deleted/)]);
  });
});

describe('applyPatch (Graph PATCH semantics)', () => {
  it('replaces given properties, keeps the rest, merges keyRestrictions property by property', () => {
    const current = { ...fido2, keyRestrictions: { isEnforced: false, enforcementType: 'block' as const, aaGuids: [G1] } };
    const patch = configurationPatchSchema.parse({
      '@odata.type': ODATA_TYPE.Fido2,
      keyRestrictions: { isEnforced: true },
      isAttestationEnforced: false,
    });
    const next = applyPatch(current, patch) as Fido2Configuration;
    expect(next.keyRestrictions).toEqual({ isEnforced: true, enforcementType: 'block', aaGuids: [G1] });
    expect(next.isAttestationEnforced).toBe(false);
    expect(next.isSelfServiceRegistrationAllowed).toBe(true);
    expect(
      changedProperties(current, next)
        .map((p) => p.displayName)
        .sort(),
    ).toEqual(['isAttestationEnforced', 'keyRestrictions']);
  });

  it('opting in to profiles moves the global settings out of the way (entra-spec §4.2), unless the PATCH sets them', () => {
    const current = { ...fido2, keyRestrictions: { isEnforced: true, enforcementType: 'block' as const, aaGuids: [G1] } };
    const optIn = configurationPatchSchema.parse({
      '@odata.type': ODATA_TYPE.Fido2,
      passkeyProfiles: [profile(DEFAULT_PASSKEY_PROFILE_ID, 'Default', { passkeyTypes: 'deviceBound,synced' })],
    });
    const next = applyPatch(current, optIn) as Fido2Configuration;
    expect(next).toMatchObject({
      isAttestationEnforced: false,
      keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [G1] },
    });
    expect(checkConfiguration(next, current)).toEqual([]);
    const explicit = configurationPatchSchema.parse({
      '@odata.type': ODATA_TYPE.Fido2,
      isAttestationEnforced: true,
      passkeyProfiles: [profile(DEFAULT_PASSKEY_PROFILE_ID, 'Default')],
    });
    expect((applyPatch(current, explicit) as Fido2Configuration).isAttestationEnforced).toBe(true);
    const later = configurationPatchSchema.parse({ '@odata.type': ODATA_TYPE.Fido2, isAttestationEnforced: true });
    expect(checkConfiguration(applyPatch(next, later), next).join(' ')).toMatch(/global isAttestationEnforced/);
  });

  it('fills target defaults per method and lower-cases GUIDs', () => {
    const patch = configurationPatchSchema.parse({
      '@odata.type': ODATA_TYPE.Fido2,
      includeTargets: [{ targetType: 'group', id: G1.toUpperCase() }],
    });
    expect(applyPatch(fido2, patch).includeTargets).toEqual([
      { targetType: 'group', id: G1, isRegistrationRequired: false, allowedPasskeyProfiles: [] },
    ]);
  });

  it('accepts passkeyTypes in either order and stores it canonically', () => {
    const patch = configurationPatchSchema.parse({
      '@odata.type': ODATA_TYPE.Fido2,
      passkeyProfiles: [{ ...profile(DEFAULT_PASSKEY_PROFILE_ID, 'Default'), passkeyTypes: 'synced, deviceBound' }],
    });
    expect((applyPatch(fido2, patch) as Fido2Configuration).passkeyProfiles[0]?.passkeyTypes).toBe('deviceBound,synced');
  });

  it('rejects unknown properties and a missing @odata.type at the schema', () => {
    expect(configurationPatchSchema.safeParse({ '@odata.type': ODATA_TYPE.Fido2, isAttestationEnforcd: true }).success).toBe(false);
    expect(configurationPatchSchema.safeParse({ state: 'enabled' }).success).toBe(false);
    expect(configurationPatchSchema.safeParse({ '@odata.type': ODATA_TYPE.TemporaryAccessPass, defaultLength: 7 }).success).toBe(false);
  });
});
