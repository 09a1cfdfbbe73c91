import type { AdapterPayload } from 'oidc-provider';

/**
 * Latchkey's own web apps as OAuth clients (public, auth code + PKCE, RFC 7636/9700 §2.1.1).
 * They are defined in code rather than rows, so they exist from the first boot with redirect
 * URIs that follow the public URL, and nobody can edit or delete them through the admin API.
 * Consent is never asked for them (nor for apps an administrator registered: see docs/signin.md).
 */
export const FIRST_PARTY_CLIENTS = {
  /** My Security Info (`/my`). */
  my: { clientId: 'latchkey-my', name: 'My Security Info', path: '/my' },
  /** The Control Center (`/admin`); token scopes: ADR 0007. */
  console: { clientId: 'latchkey-console', name: 'Latchkey Control Center', path: '/admin' },
} as const;

export const FIRST_PARTY_CLIENT_IDS: ReadonlySet<string> = new Set(Object.values(FIRST_PARTY_CLIENTS).map((c) => c.clientId));

/** The client metadata of a first-party client at `origin`, or undefined. */
export function firstPartyClient(clientId: string, origin: string): AdapterPayload | undefined {
  const c = Object.values(FIRST_PARTY_CLIENTS).find((x) => x.clientId === clientId);
  if (!c) return undefined;
  return {
    client_id: c.clientId,
    client_name: c.name,
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [`${origin}${c.path}/callback`],
    post_logout_redirect_uris: [`${origin}${c.path}`],
  };
}

/** Wraps the applications client source so first-party ids resolve first. */
export function withFirstPartyClients(origin: string, source: (id: string) => Promise<AdapterPayload | undefined>) {
  return async (clientId: string) => firstPartyClient(clientId, origin) ?? source(clientId);
}
