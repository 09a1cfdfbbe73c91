import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { methodsEnabledFor } from '../../src/policy/authentication-methods/methodsEnabledFor.ts';
import { ALL_USERS, METHOD_IDS, ODATA_TYPE, type MethodConfiguration } from '../../src/policy/authentication-methods/types.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const ADMINS = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const CONTRACTORS = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const everyone = { targetType: 'group' as const, id: ALL_USERS, isRegistrationRequired: false };
const kr = { isEnforced: false, enforcementType: 'block' as const, aaGuids: [] };

function policy(over: Partial<Record<string, Partial<MethodConfiguration>>> = {}): MethodConfiguration[] {
  const configs: MethodConfiguration[] = [
    {
      '@odata.type': ODATA_TYPE.Fido2,
      id: 'Fido2',
      state: 'enabled',
      isSelfServiceRegistrationAllowed: true,
      isAttestationEnforced: false,
      keyRestrictions: kr,
      passkeyProfiles: [],
      includeTargets: [{ ...everyone, allowedPasskeyProfiles: [] }],
      excludeTargets: [],
    },
    {
      '@odata.type': ODATA_TYPE.MicrosoftAuthenticator,
      id: 'MicrosoftAuthenticator',
      state: 'enabled',
      isSoftwareOathEnabled: false,
      featureSettings: {} as never,
      includeTargets: [
        { ...everyone, authenticationMode: 'push' },
        { targetType: 'group', id: ADMINS, isRegistrationRequired: true, authenticationMode: 'deviceBasedPush' },
      ],
      excludeTargets: [],
    },
    {
      '@odata.type': ODATA_TYPE.Sms,
      id: 'Sms',
      state: 'enabled',
      includeTargets: [{ ...everyone, isUsableForSignIn: false }],
      excludeTargets: [],
    },
    {
      '@odata.type': ODATA_TYPE.TemporaryAccessPass,
      id: 'TemporaryAccessPass',
      state: 'enabled',
      defaultLifetimeInMinutes: 60,
      defaultLength: 8,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: false,
      includeTargets: [everyone],
      excludeTargets: [],
    },
    {
      '@odata.type': ODATA_TYPE.Email,
      id: 'Email',
      state: 'enabled',
      allowExternalIdToUseEmailOtp: 'default',
      includeTargets: [],
      excludeTargets: [],
    },
    { '@odata.type': ODATA_TYPE.SoftwareOath, id: 'SoftwareOath', state: 'disabled', includeTargets: [everyone], excludeTargets: [] },
    {
      '@odata.type': ODATA_TYPE.HardwareOath,
      id: 'HardwareOath',
      state: 'enabled',
      includeTargets: [everyone],
      excludeTargets: [{ targetType: 'group', id: CONTRACTORS }],
    },
    {
      '@odata.type': ODATA_TYPE.Voice,
      id: 'Voice',
      state: 'disabled',
      isOfficePhoneAllowed: false,
      includeTargets: [everyone],
      excludeTargets: [],
    },
    { '@odata.type': ODATA_TYPE.Password, id: 'Password', state: 'enabled', includeTargets: [everyone], excludeTargets: [] },
  ];
  return configs.map((c) => ({ ...c, ...over[c.id] }) as MethodConfiguration);
}

describe('methodsEnabledFor', () => {
  it('answers every method with a use decision, a registration decision and an explanation', () => {
    const r = methodsEnabledFor({ id: USER, groupIds: [CONTRACTORS] }, policy());
    expect(r.methods.map((m) => m.methodId)).toEqual(METHOD_IDS);
    expect([...r.enabled].sort()).toEqual(['Fido2', 'MicrosoftAuthenticator', 'Password', 'Sms', 'TemporaryAccessPass']);
    expect([...r.selfRegistrable].sort()).toEqual(['Fido2', 'MicrosoftAuthenticator']);
    expect([...r.usable].sort()).toEqual(['Fido2', 'MicrosoftAuthenticator', 'Password', 'TemporaryAccessPass']);
    expect(r.methods.find((m) => m.methodId === 'Sms')).toMatchObject({
      enabled: true,
      availableInLatchkey: false,
      selfRegistrationReason: 'notAvailableInLatchkey',
    });
    const hw = r.methods.find((m) => m.methodId === 'HardwareOath');
    expect(hw).toMatchObject({
      enabled: false,
      reason: 'excludedViaGroup',
      targetId: CONTRACTORS,
      canSelfRegister: false,
      selfRegistrationReason: 'methodNotEnabled',
    });
    expect(hw?.explanation).toMatch(/exclude wins/);
    expect(r.methods.find((m) => m.methodId === 'TemporaryAccessPass')).toMatchObject({
      enabled: true,
      selfRegistrationReason: 'administratorIssued',
    });
    expect(r.methods.find((m) => m.methodId === 'Email')).toMatchObject({ enabled: false, reason: 'notIncluded' });
  });

  it('keeps Fido2 usable but not self-registrable when isSelfServiceRegistrationAllowed is false', () => {
    const r = methodsEnabledFor({ id: USER, groupIds: [] }, policy({ Fido2: { isSelfServiceRegistrationAllowed: false } as never }));
    expect(r.enabled.has('Fido2')).toBe(true);
    expect(r.methods.find((m) => m.methodId === 'Fido2')).toMatchObject({
      canSelfRegister: false,
      selfRegistrationReason: 'selfServiceRegistrationDisabled',
    });
    expect(r.fido2Profiles).toHaveLength(1);
  });

  it('collects Authenticator modes and registration requirements from the matching targets only', () => {
    expect([...methodsEnabledFor({ id: USER, groupIds: [] }, policy()).authenticatorModes]).toEqual(['push']);
    const admin = methodsEnabledFor({ id: USER, groupIds: [ADMINS.toUpperCase()] }, { authenticationMethodConfigurations: policy() });
    expect([...admin.authenticatorModes].sort()).toEqual(['deviceBasedPush', 'push']);
    expect(admin.methods.find((m) => m.methodId === 'MicrosoftAuthenticator')?.isRegistrationRequired).toBe(true);
    expect(admin.smsUsableForSignIn).toBe(false);
  });

  it('property: enabled is exactly the set of methods whose decision is enabled, and no excluded or disabled method is in it', () => {
    fc.assert(
      fc.property(fc.subarray([ADMINS, CONTRACTORS]), fc.subarray([...METHOD_IDS]), (groups, disabled) => {
        const over = Object.fromEntries(disabled.map((id) => [id, { state: 'disabled' }]));
        const r = methodsEnabledFor({ id: USER, groupIds: groups }, policy(over as never));
        for (const id of disabled) expect(r.enabled.has(id)).toBe(false);
        if (groups.includes(CONTRACTORS)) expect(r.enabled.has('HardwareOath')).toBe(false);
        for (const m of r.methods) expect(r.enabled.has(m.methodId)).toBe(m.enabled);
        for (const id of r.selfRegistrable) expect(r.enabled.has(id)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
