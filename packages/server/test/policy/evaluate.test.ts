import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateMethodForUser, fido2ProfilesForUser, matchingIncludeTargets } from '../../src/policy/authentication-methods/evaluate.ts';
import { compileConfiguration, evaluateCompiled, userKeys } from '../../src/policy/authentication-methods/compile.ts';
import {
  ALL_USERS,
  DEFAULT_PASSKEY_PROFILE_ID,
  ODATA_TYPE,
  type ExcludeTarget,
  type Fido2Configuration,
  type SoftwareOathConfiguration,
} from '../../src/policy/authentication-methods/types.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const OTHER_USER = '22222222-2222-4222-8222-222222222222';
const GROUPS = ['a', 'b', 'c', 'd'].map((c) => `${c.repeat(8)}-${c.repeat(4)}-4${c.repeat(3)}-8${c.repeat(3)}-${c.repeat(12)}`);

const targetArb = fc.oneof(
  fc.constant({ targetType: 'group' as const, id: ALL_USERS }),
  fc.constantFrom(...GROUPS).map((id) => ({ targetType: 'group' as const, id })),
  fc.constantFrom(USER, OTHER_USER).map((id) => ({ targetType: 'user' as const, id })),
);

const configArb = fc
  .record({
    state: fc.constantFrom('enabled' as const, 'disabled' as const),
    includeTargets: fc
      .uniqueArray(targetArb, { selector: (t) => t.id, maxLength: 5 })
      .map((ts) => ts.map((t) => ({ ...t, isRegistrationRequired: false }))),
    excludeTargets: fc.uniqueArray(targetArb, { selector: (t) => t.id, maxLength: 4 }),
  })
  .map((c): SoftwareOathConfiguration => ({ '@odata.type': ODATA_TYPE.SoftwareOath, id: 'SoftwareOath', ...c }));

const groupsArb = fc.subarray(GROUPS).map((gs) => new Set(gs));

function names(t: { targetType: string; id: string }, groups: ReadonlySet<string>): boolean {
  return t.targetType === 'group' ? t.id === ALL_USERS || groups.has(t.id) : t.id === USER;
}

describe('evaluateMethodForUser (properties)', () => {
  it('exclude always wins: a matching exclude target means not enabled, whatever the includes', () => {
    fc.assert(
      fc.property(configArb, groupsArb, (config, groups) => {
        const excluded = config.excludeTargets.some((t) => names(t, groups));
        const d = evaluateMethodForUser(config, groups, USER);
        if (excluded) {
          expect(d.enabled).toBe(false);
          if (config.state === 'enabled') expect(['excludedAsUser', 'excludedViaGroup']).toContain(d.reason);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a disabled method never enables anyone', () => {
    fc.assert(
      fc.property(configArb, groupsArb, fc.constantFrom(USER, OTHER_USER), (config, groups, user) => {
        const d = evaluateMethodForUser({ ...config, state: 'disabled' }, groups, user);
        expect(d).toMatchObject({ enabled: false, reason: 'disabledByPolicy' });
      }),
      { numRuns: 300 },
    );
  });

  it('matches the oracle: enabled ⇔ state enabled ∧ some include names the user ∧ no exclude does', () => {
    fc.assert(
      fc.property(configArb, groupsArb, (config, groups) => {
        const expected =
          config.state === 'enabled' &&
          config.includeTargets.some((t) => names(t, groups)) &&
          !config.excludeTargets.some((t) => names(t, groups));
        expect(evaluateMethodForUser(config, groups, USER).enabled).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('adding an exclude target never enables a user; adding a group to the user never enables an excluded user', () => {
    fc.assert(
      fc.property(configArb, groupsArb, targetArb, fc.constantFrom(...GROUPS), (config, groups, extra, group) => {
        const before = evaluateMethodForUser(config, groups, USER).enabled;
        const withExclude = evaluateMethodForUser(
          { ...config, excludeTargets: [...config.excludeTargets, extra as ExcludeTarget] },
          groups,
          USER,
        ).enabled;
        if (!before) expect(withExclude).toBe(false);
        if (config.excludeTargets.some((t) => names(t, groups)))
          expect(evaluateMethodForUser(config, new Set([...groups, group]), USER).enabled).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('compiled evaluation', () => {
  it('property: gives exactly the reference answer, deciding target and matching includes included', () => {
    fc.assert(
      fc.property(configArb, groupsArb, fc.constantFrom(USER, OTHER_USER), fc.boolean(), (config, groups, user, upper) => {
        const given = upper ? [...groups].map((g) => g.toUpperCase()) : [...groups];
        const compiled = evaluateCompiled(compileConfiguration(config), userKeys(user, given));
        const reference = evaluateMethodForUser(config, new Set(given), user);
        expect(compiled.decision).toEqual(reference);
        expect(compiled.includes).toEqual(reference.enabled ? matchingIncludeTargets(config, new Set(given), user) : []);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('evaluateMethodForUser (reasons)', () => {
  const base: SoftwareOathConfiguration = {
    '@odata.type': ODATA_TYPE.SoftwareOath,
    id: 'SoftwareOath',
    state: 'enabled',
    includeTargets: [],
    excludeTargets: [],
  };
  const [g1, g2] = GROUPS as [string, string];

  it('names the deciding target, preferring a direct user target over a group over all_users', () => {
    const c = {
      ...base,
      includeTargets: [
        { targetType: 'group' as const, id: ALL_USERS, isRegistrationRequired: false },
        { targetType: 'group' as const, id: g1, isRegistrationRequired: false },
      ],
    };
    expect(evaluateMethodForUser(c, new Set([g1]), USER)).toEqual({
      methodId: 'SoftwareOath',
      enabled: true,
      reason: 'includedViaGroup',
      targetId: g1,
    });
    expect(evaluateMethodForUser(c, new Set(), USER)).toEqual({
      methodId: 'SoftwareOath',
      enabled: true,
      reason: 'includedAllUsers',
      targetId: ALL_USERS,
    });
    const direct = {
      ...c,
      includeTargets: [...c.includeTargets, { targetType: 'user' as const, id: USER, isRegistrationRequired: false }],
    };
    expect(evaluateMethodForUser(direct, new Set([g1]), USER).reason).toBe('includedAsUser');
  });

  it('says notIncluded when enabled but nobody names the user, and excludedViaGroup with the group', () => {
    const c = {
      ...base,
      includeTargets: [{ targetType: 'group' as const, id: g1, isRegistrationRequired: false }],
      excludeTargets: [{ targetType: 'group' as const, id: g2 }],
    };
    expect(evaluateMethodForUser(c, new Set(), USER).reason).toBe('notIncluded');
    expect(evaluateMethodForUser(c, new Set([g1, g2]), USER)).toEqual({
      methodId: 'SoftwareOath',
      enabled: false,
      reason: 'excludedViaGroup',
      targetId: g2,
    });
  });

  it('compares group ids case-insensitively', () => {
    const c = { ...base, includeTargets: [{ targetType: 'group' as const, id: g1, isRegistrationRequired: false }] };
    expect(evaluateMethodForUser(c, new Set([g1.toUpperCase()]), USER).enabled).toBe(true);
  });
});

describe('fido2ProfilesForUser', () => {
  const [g1, g2] = GROUPS as [string, string];
  const strict = '33333333-3333-4333-8333-333333333333';
  const kr = { isEnforced: false, enforcementType: 'block' as const, aaGuids: [] };
  const fido2: Fido2Configuration = {
    '@odata.type': ODATA_TYPE.Fido2,
    id: 'Fido2',
    state: 'enabled',
    isSelfServiceRegistrationAllowed: true,
    isAttestationEnforced: false,
    keyRestrictions: kr,
    passkeyProfiles: [
      {
        id: DEFAULT_PASSKEY_PROFILE_ID,
        name: 'Default passkey profile',
        passkeyTypes: 'deviceBound,synced',
        attestationEnforcement: 'disabled',
        keyRestrictions: kr,
      },
      {
        id: strict,
        name: 'Admins',
        passkeyTypes: 'deviceBound',
        attestationEnforcement: 'registrationOnly',
        keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: ['cb69481e-8ff7-4039-93ec-0a2729a154a8'] },
      },
    ],
    includeTargets: [
      { targetType: 'group', id: g1, isRegistrationRequired: false, allowedPasskeyProfiles: [strict] },
      { targetType: 'group', id: g2, isRegistrationRequired: false, allowedPasskeyProfiles: [] },
    ],
    excludeTargets: [],
  };

  it('unions the profiles of every matching include target; an empty list means the Default profile', () => {
    expect(fido2ProfilesForUser(fido2, new Set([g1]), USER).map((p) => p.name)).toEqual(['Admins']);
    expect(fido2ProfilesForUser(fido2, new Set([g2]), USER).map((p) => p.name)).toEqual(['Default passkey profile']);
    expect(fido2ProfilesForUser(fido2, new Set([g1, g2]), USER).map((p) => p.name)).toEqual(['Default passkey profile', 'Admins']);
  });

  it('gives no profile to an excluded user, even one included by a profile target', () => {
    expect(fido2ProfilesForUser({ ...fido2, excludeTargets: [{ targetType: 'group', id: g1 }] }, new Set([g1, g2]), USER)).toEqual([]);
  });

  it('without profiles, the global settings apply as a device-bound-only profile (synced passkeys need profiles, entra-spec §4.2)', () => {
    const classic = {
      ...fido2,
      passkeyProfiles: [],
      isAttestationEnforced: true,
      includeTargets: [{ targetType: 'group' as const, id: ALL_USERS, isRegistrationRequired: false, allowedPasskeyProfiles: [] }],
    };
    expect(fido2ProfilesForUser(classic, new Set(), USER)).toEqual([
      {
        id: DEFAULT_PASSKEY_PROFILE_ID,
        name: 'Default passkey profile',
        passkeyTypes: 'deviceBound',
        attestationEnforcement: 'registrationOnly',
        keyRestrictions: kr,
      },
    ]);
  });
});
