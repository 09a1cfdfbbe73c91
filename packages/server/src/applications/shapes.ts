import type { ApplicationRow, PasswordRow } from './repository.ts';
import type { AppRoleAssignmentRow, ServicePrincipalRow } from './service-principals-repository.ts';
import { appRoleId, LATCHKEY_API_RESOURCE } from './app-roles.ts';

/** Graph `passwordCredential`; `secretText` is only ever set in the addPassword response. */
export interface GraphPasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
  secretText: string | null;
  customKeyIdentifier: null;
}

/** Graph `application` (the subset Latchkey keeps). */
export interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  description: string | null;
  groupMembershipClaims: string | null;
  signInAudience: string;
  createdDateTime: string;
  web: { redirectUris: string[]; implicitGrantSettings: { enableIdTokenIssuance: boolean; enableAccessTokenIssuance: false } };
  /** Single-page app platform (Graph `spaApplication`): public client, PKCE, CORS at the token endpoint. */
  spa: { redirectUris: string[] };
  /** Mobile and desktop platform (Graph `publicClientApplication`): public client, PKCE. */
  publicClient: { redirectUris: string[] };
  isFallbackPublicClient: boolean;
  passwordCredentials: GraphPasswordCredential[];
}

export interface GraphServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  servicePrincipalType: 'Application';
  createdDateTime: string;
}

/** Graph `appRoleAssignment`, plus Latchkey's `appRoleValue` (the permission name). */
export interface GraphAppRoleAssignment {
  id: string;
  appRoleId: string;
  appRoleValue: string;
  principalId: string;
  principalDisplayName: string;
  principalType: 'ServicePrincipal';
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toGraphPassword(p: PasswordRow, secretText: string | null = null): GraphPasswordCredential {
  return {
    keyId: p.key_id,
    displayName: p.display_name,
    hint: p.hint,
    startDateTime: iso(p.start_date_time),
    endDateTime: iso(p.end_date_time),
    secretText,
    customKeyIdentifier: null,
  };
}

export function toGraphApplication(a: ApplicationRow, passwords: PasswordRow[]): GraphApplication {
  return {
    id: a.id,
    appId: a.app_id,
    displayName: a.display_name,
    description: a.description,
    groupMembershipClaims: a.group_membership_claims,
    signInAudience: a.sign_in_audience,
    createdDateTime: iso(a.created_at),
    web: { redirectUris: a.web_redirect_uris, implicitGrantSettings: { enableIdTokenIssuance: a.web_id_token_issuance, enableAccessTokenIssuance: false } },
    spa: { redirectUris: a.spa_redirect_uris },
    publicClient: { redirectUris: a.public_client_redirect_uris },
    isFallbackPublicClient: a.is_fallback_public_client,
    passwordCredentials: passwords.filter((p) => p.application_id === a.id).map((p) => toGraphPassword(p)),
  };
}

export function toGraphServicePrincipal(s: ServicePrincipalRow): GraphServicePrincipal {
  return {
    id: s.id,
    appId: s.app_id,
    displayName: s.display_name,
    accountEnabled: s.account_enabled,
    servicePrincipalType: 'Application',
    createdDateTime: iso(s.created_at),
  };
}

export function toGraphAppRoleAssignment(a: AppRoleAssignmentRow, sp: ServicePrincipalRow): GraphAppRoleAssignment {
  return {
    id: a.id,
    appRoleId: appRoleId(a.app_role_value),
    appRoleValue: a.app_role_value,
    principalId: sp.id,
    principalDisplayName: sp.display_name,
    principalType: 'ServicePrincipal',
    resourceId: LATCHKEY_API_RESOURCE.id,
    resourceDisplayName: LATCHKEY_API_RESOURCE.displayName,
    createdDateTime: iso(a.created_at),
  };
}
