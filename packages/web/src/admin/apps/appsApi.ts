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
  web: { redirectUris: string[] };
  passwordCredentials: PasswordCredential[];
}

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
  web: { redirectUris: string[] };
}

const id = (value: string) => encodeURIComponent(value);

/** Typed calls for /applications and /servicePrincipals (docs/oidc.md). */
export const appsApi = {
  list: (api: ApiClient, signal: AbortSignal) => api.page<Application>(`/applications${query({ $top: 50 })}`, signal),
  get: (api: ApiClient, objectId: string, signal?: AbortSignal) => api.get<Application>(`/applications/${id(objectId)}`, signal),
  create: (api: ApiClient, body: NewApplication) => api.post<Application>('/applications', body),
  setRedirectUris: (api: ApiClient, objectId: string, redirectUris: string[]) =>
    api.patch<void>(`/applications/${id(objectId)}`, { web: { redirectUris } }),
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
