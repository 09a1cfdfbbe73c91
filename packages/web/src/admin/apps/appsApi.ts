import type { ApiClient } from '../../api/client.ts';
import { literal, query } from '../../api/odata.ts';

/** Graph `passwordCredential` (a client secret). `secretText` is set only in the addPassword answer. */
export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  /** The secret's first 3 characters, to tell secrets apart. */
  hint: string;
  startDateTime: string;
  endDateTime: string;
  secretText: string | null;
}

/** Graph `application` (an app registration); `appId` is the OAuth client id. */
export interface Application {
  id: string;
  appId: string;
  displayName: string;
  description: string | null;
  signInAudience: string;
  createdDateTime: string;
  /** `implicitGrantSettings.enableIdTokenIssuance`: ID tokens from the authorization endpoint (implicit and hybrid flows); access tokens there never. */
  web: { redirectUris: string[]; implicitGrantSettings?: { enableIdTokenIssuance: boolean; enableAccessTokenIssuance: boolean } };
  /** Single-page app (public client, PKCE, CORS at the token endpoint). */
  spa: { redirectUris: string[] };
  /** Mobile and desktop app (public client, PKCE; custom-scheme and loopback redirect URIs). */
  publicClient: { redirectUris: string[] };
  isFallbackPublicClient: boolean;
  /** Which groups the app's ID tokens name (`groups` claim); null as None. */
  groupMembershipClaims?: string | null;
  passwordCredentials: PasswordCredential[];
}

/** The values of `groupMembershipClaims` Latchkey offers. */
export type GroupMembershipClaims = 'None' | 'SecurityGroup' | 'All';

/** Where an app signs people in; one per application (ADR 0014). */
export type Platform = 'web' | 'spa' | 'publicClient';

/** The platforms in the order the console offers them, with their names and rules. */
export const PLATFORMS: Record<Platform, { label: string; short: string; hint: string; placeholder: string }> = {
  web: {
    label: 'Web application',
    short: 'Web',
    hint: 'Confidential: a server that keeps a client secret. https, or http only for localhost; no #fragment.',
    placeholder: 'https://app.example.com/callback',
  },
  spa: {
    label: 'Single-page app',
    short: 'Single-page app',
    hint: 'Public: runs in the browser, no secret, PKCE. The token endpoint allows these origins (CORS). https, or http only for localhost.',
    placeholder: 'https://spa.example.com/',
  },
  publicClient: {
    label: 'Mobile and desktop app',
    short: 'Mobile and desktop',
    hint: 'Public: no secret, PKCE. Custom schemes (com.example.app:/callback), https, or http://127.0.0.1 on any port (RFC 8252).',
    placeholder: 'com.example.app:/callback',
  },
};

/** The app's platform: spa or publicClient when it has such URIs (or is a fallback public client), else web. */
export function platformOf(a: Application): Platform {
  if (a.spa.redirectUris.length) return 'spa';
  if (a.publicClient.redirectUris.length || a.isFallbackPublicClient) return 'publicClient';
  return 'web';
}

/** A public client signs in with PKCE and never holds a client secret. */
export const isPublicClient = (a: Application): boolean => platformOf(a) !== 'web';

/** Graph `servicePrincipal`: the app's identity in this tenant; without an enabled one it gets no tokens. */
export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  createdDateTime: string;
}

export interface NewApplication {
  displayName: string;
  description?: string;
  web?: { redirectUris: string[] };
  spa?: { redirectUris: string[] };
  publicClient?: { redirectUris: string[] };
}

const id = (value: string) => encodeURIComponent(value);

/** Typed calls for /applications and /servicePrincipals (docs/oidc.md). */
export const appsApi = {
  /** One page; `term` keeps apps whose display name contains it (Graph `$search="displayName:…"`). */
  list: (api: ApiClient, term: string, signal: AbortSignal) =>
    api.page<Application>(`/applications${query({ $top: 50, $search: term ? `"displayName:${term.replaceAll('"', '')}"` : undefined })}`, signal),
  get: (api: ApiClient, objectId: string, signal?: AbortSignal) => api.get<Application>(`/applications/${id(objectId)}`, signal),
  create: (api: ApiClient, body: NewApplication) => api.post<Application>('/applications', body),
  /**
   * Sets `platform`'s redirect URIs; moving from another platform clears that one in the same PATCH.
   * `fallback`: `isFallbackPublicClient` to send with it (a web app is never one, ADR 0014).
   */
  setRedirectUris: (api: ApiClient, objectId: string, platform: Platform, redirectUris: string[], from: Platform = platform, fallback?: boolean, idTokens?: boolean) =>
    api.patch<void>(`/applications/${id(objectId)}`, {
      ...(from === platform
        ? {}
        : {
            // Leaving the web platform also turns its ID token setting off (a public client may not have it).
            [from]: { redirectUris: [], ...(from === 'web' ? { implicitGrantSettings: { enableIdTokenIssuance: false } } : {}) },
            ...(from === 'publicClient' ? { isFallbackPublicClient: false } : {}),
          }),
      ...(fallback === undefined ? {} : { isFallbackPublicClient: platform !== 'web' && fallback }),
      [platform]: { redirectUris, ...(platform === 'web' && idTokens !== undefined ? { implicitGrantSettings: { enableIdTokenIssuance: idTokens } } : {}) },
    }),
  setGroupClaims: (api: ApiClient, objectId: string, value: GroupMembershipClaims) => api.patch<void>(`/applications/${id(objectId)}`, { groupMembershipClaims: value }),
  remove: (api: ApiClient, objectId: string) => api.delete(`/applications/${id(objectId)}`),
  addSecret: (api: ApiClient, objectId: string, credential: { displayName: string | null; endDateTime: string }) =>
    api.post<PasswordCredential>(`/applications/${id(objectId)}/addPassword`, { passwordCredential: credential }),
  removeSecret: (api: ApiClient, objectId: string, keyId: string) =>
    api.post<void>(`/applications/${id(objectId)}/removePassword`, { keyId }),

  /** The app's service principal, or null when it has none yet. */
  async servicePrincipalOf(api: ApiClient, appId: string, signal?: AbortSignal): Promise<ServicePrincipal | null> {
    const page = await api.page<ServicePrincipal>(`/servicePrincipals${query({ $filter: `appId eq ${literal(appId)}` })}`, signal);
    return page.value[0] ?? null;
  },
  createServicePrincipal: (api: ApiClient, appId: string) => api.post<ServicePrincipal>('/servicePrincipals', { appId }),
  setServicePrincipalEnabled: (api: ApiClient, spId: string, accountEnabled: boolean) =>
    api.patch<void>(`/servicePrincipals/${id(spId)}`, { accountEnabled }),
};

/** Each non-empty line, trimmed, without duplicates (the redirect URI text boxes). */
export function parseUriLines(text: string): string[] {
  return [
    ...new Set(
      text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
}

/** Graph's signInAudience in words (Latchkey has one tenant). */
export function audienceLabel(audience: string): string {
  return audience === 'AzureADMyOrg' ? 'This directory only' : audience;
}
