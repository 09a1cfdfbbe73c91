/** Graph JSON of the authentication methods policy, as the API returns it (entra-spec §4, §7.7). */

export type MethodId =
  'Fido2' | 'MicrosoftAuthenticator' | 'Sms' | 'TemporaryAccessPass' | 'Email' | 'SoftwareOath' | 'HardwareOath' | 'Voice' | 'Password';

/** The group id that stands for every user. */
export const ALL_USERS = 'all_users';

export interface ExcludeTarget {
  targetType: 'user' | 'group';
  id: string;
}

export interface IncludeTarget extends ExcludeTarget {
  isRegistrationRequired: boolean;
  allowedPasskeyProfiles?: string[];
  [k: string]: unknown;
}

export interface KeyRestrictions {
  isEnforced: boolean;
  enforcementType: 'allow' | 'block';
  aaGuids: string[];
}

export interface PasskeyProfile {
  id: string;
  name: string;
  passkeyTypes: 'deviceBound' | 'synced' | 'deviceBound,synced';
  attestationEnforcement: 'disabled' | 'registrationOnly';
  keyRestrictions: KeyRestrictions;
}

export interface MethodConfiguration {
  '@odata.type': string;
  id: MethodId;
  state: 'enabled' | 'disabled';
  includeTargets: IncludeTarget[];
  excludeTargets: ExcludeTarget[];
  [k: string]: unknown;
}

export interface Fido2Configuration extends MethodConfiguration {
  id: 'Fido2';
  isSelfServiceRegistrationAllowed: boolean;
  isAttestationEnforced: boolean;
  keyRestrictions: KeyRestrictions;
  passkeyProfiles: PasskeyProfile[];
}

export interface TapConfiguration extends MethodConfiguration {
  id: 'TemporaryAccessPass';
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface MethodsPolicy {
  id: 'authenticationMethodsPolicy';
  displayName: string;
  lastModifiedDateTime: string;
  policyMigrationState: string;
  authenticationMethodConfigurations: MethodConfiguration[];
}

/** Names the console shows, and which methods Latchkey can actually run (the others are kept for Entra parity). */
export const METHODS: Record<MethodId, { label: string; note: string; available: boolean }> = {
  Fido2: { label: 'Passkeys (FIDO2)', note: 'Phishing-resistant security keys and platform passkeys', available: true },
  TemporaryAccessPass: { label: 'Temporary Access Pass', note: 'Time-limited passcode for onboarding and recovery', available: true },
  SoftwareOath: { label: 'Software OATH tokens', note: 'Authenticator apps (TOTP)', available: true },
  HardwareOath: { label: 'Hardware OATH tokens', note: 'TOTP tokens imported by serial number', available: true },
  Password: { label: 'Password', note: 'Latchkey extension: whether passwords may be used at all', available: true },
  MicrosoftAuthenticator: { label: 'Microsoft Authenticator', note: 'The Authenticator app (kept for Entra parity)', available: true },
  Sms: { label: 'SMS', note: 'Text message codes', available: false },
  Voice: { label: 'Voice call', note: 'Phone call codes', available: false },
  Email: { label: 'Email OTP', note: 'One-time codes by email', available: false },
};

/** The order of the list: what Latchkey runs first. */
export const METHOD_ORDER: MethodId[] = [
  'Fido2',
  'TemporaryAccessPass',
  'SoftwareOath',
  'HardwareOath',
  'Password',
  'MicrosoftAuthenticator',
  'Sms',
  'Voice',
  'Email',
];

export interface MetadataImport {
  no: number;
  nextUpdate: string | null;
  entryCount: number;
  signerSubject: string;
  /** Only in the import answer. */
  legalHeader?: string | null;
  importedDateTime?: string;
}

export interface TrustAnchor {
  id: string;
  usage: 'attestation' | 'metadata';
  displayName: string;
  subject: string;
  thumbprintSha256: string;
  notAfterDateTime: string;
  createdDateTime: string;
}

export interface Strength {
  id: string;
  displayName: string;
  description: string | null;
  policyType: 'builtIn' | 'custom';
  requirementsSatisfied: string;
  allowedCombinations: string[];
  combinationConfigurations: Array<{ id: string; '@odata.type': string; allowedAAGUIDs?: string[]; appliesToCombinations: string[] }>;
  modifiedDateTime: string | null;
}

export interface NamedLocation {
  '@odata.type': string;
  id: string;
  displayName: string;
  isTrusted?: boolean;
  ipRanges?: Array<{ '@odata.type'?: string; cidrAddress: string }>;
  countriesAndRegions?: string[];
  modifiedDateTime?: string | null;
}
