/**
 * The authentication methods policy in Microsoft Graph's shape (`entra-spec.md` §3.1, §4, §7.5,
 * §7.7). One configuration per method; each says whether the method is on (`state`) and for whom
 * (`includeTargets` minus `excludeTargets`). Types here are what the API returns and what the
 * evaluation core reads; the store keeps the same JSON (see `repository.ts`).
 */

export type MethodState = 'enabled' | 'disabled';
export type TargetType = 'user' | 'group';

/** Graph `authenticationMethodTarget`. `id` is a user or group id, or `all_users` (a group). */
export interface AuthenticationMethodTarget {
  targetType: TargetType;
  id: string;
  isRegistrationRequired: boolean;
}

/** Graph `passkeyAuthenticationMethodTarget`: a Fido2 include target naming the passkey profiles it grants. */
export interface PasskeyAuthenticationMethodTarget extends AuthenticationMethodTarget {
  /** Profile ids; empty means the Default passkey profile (entra-spec §4.2). */
  allowedPasskeyProfiles: string[];
}

/** Graph `microsoftAuthenticatorAuthenticationMethodTarget` (entra-spec §7.7). */
export interface MicrosoftAuthenticatorTarget extends AuthenticationMethodTarget {
  /** `any` = push or device-based push (passwordless phone sign-in); `push` = MFA approval only. */
  authenticationMode: 'any' | 'push' | 'deviceBasedPush';
}

/** Graph `smsAuthenticationMethodTarget` (entra-spec §7.7). */
export interface SmsTarget extends AuthenticationMethodTarget {
  /** SMS as a first factor (sign-in), not only as a second one. */
  isUsableForSignIn: boolean;
}

/** Graph `excludeTarget`. */
export interface ExcludeTarget {
  targetType: TargetType;
  id: string;
}

/** Graph `fido2KeyRestrictions`: `allow` = only the listed AAGUIDs, `block` = all but them (entra-spec §4.3). */
export interface Fido2KeyRestrictions {
  isEnforced: boolean;
  enforcementType: 'allow' | 'block';
  aaGuids: string[];
}

export type PasskeyTypes = 'deviceBound' | 'synced' | 'deviceBound,synced';
export type AttestationEnforcement = 'disabled' | 'registrationOnly';

/** Graph `passkeyProfile` (entra-spec §4.2). */
export interface PasskeyProfile {
  id: string;
  name: string;
  passkeyTypes: PasskeyTypes;
  attestationEnforcement: AttestationEnforcement;
  keyRestrictions: Fido2KeyRestrictions;
}

/** Graph `authenticationMethodFeatureConfiguration` (Authenticator's app name / location display). */
export interface FeatureConfiguration {
  state: 'default' | 'enabled' | 'disabled';
  includeTarget: { targetType: TargetType; id: string };
  excludeTarget: { targetType: TargetType; id: string };
}

interface ConfigurationBase<Id extends string, T extends string, Target extends AuthenticationMethodTarget = AuthenticationMethodTarget> {
  '@odata.type': T;
  id: Id;
  state: MethodState;
  includeTargets: Target[];
  excludeTargets: ExcludeTarget[];
}

export const ODATA_TYPE = {
  Fido2: '#microsoft.graph.fido2AuthenticationMethodConfiguration',
  MicrosoftAuthenticator: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration',
  Sms: '#microsoft.graph.smsAuthenticationMethodConfiguration',
  TemporaryAccessPass: '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
  Email: '#microsoft.graph.emailAuthenticationMethodConfiguration',
  SoftwareOath: '#microsoft.graph.softwareOathAuthenticationMethodConfiguration',
  HardwareOath: '#microsoft.graph.hardwareOathAuthenticationMethodConfiguration',
  Voice: '#microsoft.graph.voiceAuthenticationMethodConfiguration',
  /** Latchkey-only: Graph has no password configuration in this policy (ADR 0006). */
  Password: '#latchkey.passwordAuthenticationMethodConfiguration',
} as const;

export type MethodId = keyof typeof ODATA_TYPE;

/** Catalogue order (Graph's GET example order, then the rest): the order of `authenticationMethodConfigurations`. */
export const METHOD_IDS: readonly MethodId[] = [
  'Fido2',
  'MicrosoftAuthenticator',
  'Sms',
  'TemporaryAccessPass',
  'Email',
  'SoftwareOath',
  'HardwareOath',
  'Voice',
  'Password',
];

/** Graph `fido2AuthenticationMethodConfiguration` (entra-spec §4.1, §4.2). */
export interface Fido2Configuration extends ConfigurationBase<'Fido2', (typeof ODATA_TYPE)['Fido2'], PasskeyAuthenticationMethodTarget> {
  isSelfServiceRegistrationAllowed: boolean;
  isAttestationEnforced: boolean;
  keyRestrictions: Fido2KeyRestrictions;
  /** Empty: not opted in to profiles; the global settings above apply (see `evaluate.ts`). */
  passkeyProfiles: PasskeyProfile[];
}

/** Graph `microsoftAuthenticatorAuthenticationMethodConfiguration`. */
export interface MicrosoftAuthenticatorConfiguration extends ConfigurationBase<
  'MicrosoftAuthenticator',
  (typeof ODATA_TYPE)['MicrosoftAuthenticator'],
  MicrosoftAuthenticatorTarget
> {
  isSoftwareOathEnabled: boolean;
  featureSettings: {
    displayAppInformationRequiredState: FeatureConfiguration;
    displayLocationInformationRequiredState: FeatureConfiguration;
  };
}

/** Graph `temporaryAccessPassAuthenticationMethodConfiguration` (entra-spec §3.1). */
export interface TemporaryAccessPassConfiguration extends ConfigurationBase<
  'TemporaryAccessPass',
  (typeof ODATA_TYPE)['TemporaryAccessPass']
> {
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export type SmsConfiguration = ConfigurationBase<'Sms', (typeof ODATA_TYPE)['Sms'], SmsTarget>;
/** Graph `emailAuthenticationMethodConfiguration`. */
export interface EmailConfiguration extends ConfigurationBase<'Email', (typeof ODATA_TYPE)['Email']> {
  allowExternalIdToUseEmailOtp: 'default' | 'enabled' | 'disabled';
}
/** Graph `voiceAuthenticationMethodConfiguration`. */
export interface VoiceConfiguration extends ConfigurationBase<'Voice', (typeof ODATA_TYPE)['Voice']> {
  isOfficePhoneAllowed: boolean;
}
export type SoftwareOathConfiguration = ConfigurationBase<'SoftwareOath', (typeof ODATA_TYPE)['SoftwareOath']>;
export type HardwareOathConfiguration = ConfigurationBase<'HardwareOath', (typeof ODATA_TYPE)['HardwareOath']>;
export type PasswordConfiguration = ConfigurationBase<'Password', (typeof ODATA_TYPE)['Password']>;

export type MethodConfiguration =
  | Fido2Configuration
  | MicrosoftAuthenticatorConfiguration
  | SmsConfiguration
  | TemporaryAccessPassConfiguration
  | EmailConfiguration
  | SoftwareOathConfiguration
  | HardwareOathConfiguration
  | VoiceConfiguration
  | PasswordConfiguration;

export type ConfigurationOf<Id extends MethodId> = Extract<MethodConfiguration, { id: Id }>;

/** Graph `authenticationMethodsRegistrationCampaign` (entra-spec §7.5). */
export interface RegistrationCampaign {
  snoozeDurationInDays: number;
  enforceRegistrationAfterAllowedSnoozes: boolean;
  state: 'default' | 'enabled' | 'disabled';
  includeTargets: Array<{ id: string; targetType: TargetType; targetedAuthenticationMethod: string }>;
  excludeTargets: ExcludeTarget[];
}

/** Graph `authenticationMethodsPolicy` (entra-spec §7.7). */
export interface AuthenticationMethodsPolicy {
  id: 'authenticationMethodsPolicy';
  displayName: string;
  description: string;
  lastModifiedDateTime: string;
  policyVersion: string;
  policyMigrationState: 'preMigration' | 'migrationInProgress' | 'migrationComplete';
  registrationEnforcement: { authenticationMethodsRegistrationCampaign: RegistrationCampaign };
  authenticationMethodConfigurations: MethodConfiguration[];
}

/** The group id that stands for every user (entra-spec §7.5, §7.7). */
export const ALL_USERS = 'all_users';

/** The Default passkey profile's fixed id (entra-spec §4.2). */
export const DEFAULT_PASSKEY_PROFILE_ID = '00000000-0000-0000-0000-000000000001';

/** The whole policy is capped at 20 KB (entra-spec §4.2, §7.7); measured as UTF-8 JSON of the GET shape. */
export const POLICY_SIZE_LIMIT_BYTES = 20 * 1024;

/** At most 3 passkey profiles, the Default included (entra-spec §4.2). */
export const MAX_PASSKEY_PROFILES = 3;

/** Resolves a configuration id case-insensitively (`fido2` → `Fido2`), as Graph does. */
export function canonicalMethodId(id: string): MethodId | undefined {
  const lower = id.toLowerCase();
  return METHOD_IDS.find((m) => m.toLowerCase() === lower);
}
