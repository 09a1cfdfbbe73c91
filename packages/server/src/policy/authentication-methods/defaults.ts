import { ALL_USERS, ODATA_TYPE, type MethodConfiguration, type MethodId } from './types.ts';

/**
 * Entra's default configuration of each method (Graph's `GET /policies/authenticationMethodsPolicy`
 * example; entra-spec §3.1, §4.1, §7.7) — what `DELETE …/authenticationMethodConfigurations/{id}`
 * reverts to (Graph: "Reverts the … object to its default configuration"). Migration 0005 seeds
 * the same values written out literally; a test keeps the two equal.
 */
export function defaultConfiguration(id: MethodId): MethodConfiguration {
  const everyone = { targetType: 'group' as const, id: ALL_USERS, isRegistrationRequired: false };
  const none = { excludeTargets: [] };
  const feature = {
    state: 'default' as const,
    includeTarget: { targetType: 'group' as const, id: ALL_USERS },
    excludeTarget: { targetType: 'group' as const, id: '00000000-0000-0000-0000-000000000000' },
  };
  switch (id) {
    case 'Fido2':
      return {
        '@odata.type': ODATA_TYPE.Fido2,
        id,
        state: 'disabled',
        isSelfServiceRegistrationAllowed: true,
        isAttestationEnforced: true,
        keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
        passkeyProfiles: [],
        includeTargets: [{ ...everyone, allowedPasskeyProfiles: [] }],
        ...none,
      };
    case 'MicrosoftAuthenticator':
      return {
        '@odata.type': ODATA_TYPE.MicrosoftAuthenticator,
        id,
        state: 'disabled',
        isSoftwareOathEnabled: false,
        featureSettings: { displayAppInformationRequiredState: feature, displayLocationInformationRequiredState: feature },
        includeTargets: [{ ...everyone, authenticationMode: 'any' }],
        ...none,
      };
    case 'Sms':
      return { '@odata.type': ODATA_TYPE.Sms, id, state: 'enabled', includeTargets: [{ ...everyone, isUsableForSignIn: true }], ...none };
    case 'TemporaryAccessPass':
      return {
        '@odata.type': ODATA_TYPE.TemporaryAccessPass,
        id,
        state: 'disabled',
        defaultLifetimeInMinutes: 60,
        defaultLength: 8,
        minimumLifetimeInMinutes: 60,
        maximumLifetimeInMinutes: 480,
        isUsableOnce: false,
        includeTargets: [everyone],
        ...none,
      };
    case 'Email':
      return {
        '@odata.type': ODATA_TYPE.Email,
        id,
        state: 'enabled',
        allowExternalIdToUseEmailOtp: 'default',
        includeTargets: [],
        ...none,
      };
    case 'SoftwareOath':
      return { '@odata.type': ODATA_TYPE.SoftwareOath, id, state: 'disabled', includeTargets: [everyone], ...none };
    case 'HardwareOath':
      return { '@odata.type': ODATA_TYPE.HardwareOath, id, state: 'disabled', includeTargets: [everyone], ...none };
    case 'Voice':
      return { '@odata.type': ODATA_TYPE.Voice, id, state: 'disabled', isOfficePhoneAllowed: false, includeTargets: [everyone], ...none };
    case 'Password':
      return { '@odata.type': ODATA_TYPE.Password, id, state: 'enabled', includeTargets: [everyone], ...none };
  }
}
