/**
 * Graph `conditionalAccessPolicy` (entra-spec §1.2–§1.9), as Latchkey stores it: the write shape
 * with every collection present (empty arrays and nulls filled in, as Graph returns them).
 * Properties Latchkey does not evaluate but Entra exports carry (`devices: null`, …) are kept.
 */
export type PolicyState = 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';

export type ConditionalAccessUsers = {
  includeUsers: string[];
  excludeUsers: string[];
  includeGroups: string[];
  excludeGroups: string[];
  includeRoles: string[];
  excludeRoles: string[];
  includeGuestsOrExternalUsers: unknown;
  excludeGuestsOrExternalUsers: unknown;
};

export type ConditionalAccessApplications = {
  includeApplications: string[];
  excludeApplications: string[];
  includeUserActions: string[];
  includeAuthenticationContextClassReferences: string[];
  applicationFilter: unknown;
};

export type ConditionalAccessConditions = {
  users: ConditionalAccessUsers;
  applications: ConditionalAccessApplications;
  clientAppTypes: string[];
  platforms: { includePlatforms: string[]; excludePlatforms: string[] } | null;
  locations: { includeLocations: string[]; excludeLocations: string[] } | null;
  signInRiskLevels: string[];
  userRiskLevels: string[];
  servicePrincipalRiskLevels: string[];
  [other: string]: unknown;
};

export type SignInFrequency = {
  isEnabled: boolean;
  type: 'hours' | 'days' | null;
  value: number | null;
  authenticationType: 'primaryAndSecondaryAuthentication' | 'secondaryAuthentication';
  frequencyInterval: 'timeBased' | 'everyTime';
};

export type ConditionalAccessGrantControls = {
  operator: 'AND' | 'OR';
  builtInControls: string[];
  customAuthenticationFactors: string[];
  termsOfUse: string[];
  /** Write shape `{id}`; reads expand it to the whole strength (§1.5). */
  authenticationStrength: { id: string; [k: string]: unknown } | null;
};

export type ConditionalAccessPolicy = {
  id: string;
  templateId: string | null;
  displayName: string;
  createdDateTime: string;
  modifiedDateTime: string | null;
  state: PolicyState;
  conditions: ConditionalAccessConditions;
  grantControls: ConditionalAccessGrantControls | null;
  sessionControls: { signInFrequency: SignInFrequency | null; [other: string]: unknown } | null;
};

/** The user action for registering security info (§1.3); What If's `registerSecurityInformation`. */
export const REGISTER_SECURITY_INFO = 'urn:user:registersecurityinfo';
export const REGISTER_DEVICE = 'urn:user:registerdevice';

export const PLATFORMS = ['android', 'iOS', 'windows', 'windowsPhone', 'macOS', 'linux', 'all', 'unknownFutureValue'] as const;
export const CLIENT_APP_TYPES = ['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'easSupported', 'other'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'] as const;
export const BUILT_IN_CONTROLS = [
  'block',
  'mfa',
  'compliantDevice',
  'domainJoinedDevice',
  'approvedApplication',
  'compliantApplication',
  'passwordChange',
  'unknownFutureValue',
] as const;
