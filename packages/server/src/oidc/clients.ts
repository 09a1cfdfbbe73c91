import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AdapterPayload } from 'oidc-provider';
import type { DB } from '../store/schema.ts';
import { findClientRow, validSecretHashes } from '../applications/repository.ts';
import { matchesAnyHash } from '../applications/client-secrets.ts';
import { clientKindOf } from '../applications/platforms.ts';
import {
  appRoleAssignmentsOf,
  directoryRolesOfServicePrincipal,
  findServicePrincipal,
} from '../applications/service-principals-repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** RFC 8628 §3.4's grant type. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Applications as OAuth clients. The client id is the application's `appId`; a client exists
 * only while the application has an enabled service principal. Secrets are stored hashed, so
 * the metadata carries an unguessable per-client placeholder (oidc-provider requires a
 * `client_secret` for secret-based auth) and `verifyClientSecret` replaces the provider's
 * plaintext comparison. HS* algorithms are disabled provider-wide, so the placeholder is
 * never used as a key.
 *
 * Public clients (ADR 0014; applications/platforms.ts) get `token_endpoint_auth_method: none`,
 * the authorization code grant only (never client credentials: no app-only tokens without a
 * secret) and no placeholder secret; with `isFallbackPublicClient` (Entra's "Allow public client
 * flows") also the device code grant (RFC 8628, ADR 0019). Every app with a redirect URI may use refresh tokens (issued
 * for `offline_access`; Conditional Access is evaluated again at each refresh, ADR 0017). PKCE
 * is required of every client (provider.ts `pkce`; for `none` clients oidc-provider requires it
 * regardless, RFC 9700 §2.1.1) and S256 is the only
 * method oidc-provider 9 accepts. `application_type` is `web` for a SPA (the token endpoint then
 * answers CORS for its redirect origins, provider.ts `clientBasedCORS`) and `native` for mobile
 * and desktop apps (RFC 8252 redirect rules, loopback on any port, no CORS).
 *
 * After RP-initiated logout an app may send the browser back to any of its redirect URIs
 * (`post_logout_redirect_uris`), as Entra allows: the app registration has no separate list.
 */
export function createClientSource(db: Kysely<DB>, placeholderKey: Buffer) {
  return async (clientId: string): Promise<AdapterPayload | undefined> => {
    if (!UUID.test(clientId)) return undefined;
    const app = await findClientRow(db, clientId);
    if (!app || !app.sp_enabled) return undefined;
    const kind = clientKindOf(app.platforms);
    if (kind !== 'confidential') {
      const uris = kind === 'spa' ? app.platforms.spa : app.platforms.publicClient;
      return {
        client_id: app.app_id,
        client_name: app.display_name,
        application_type: kind === 'spa' ? 'web' : 'native',
        token_endpoint_auth_method: 'none',
        // Entra's "Allow public client flows" (isFallbackPublicClient) adds the device code flow (RFC 8628, ADR 0019).
        grant_types: [
          'authorization_code',
          ...(uris.length || app.platforms.isFallbackPublicClient ? ['refresh_token'] : []),
          ...(app.platforms.isFallbackPublicClient ? [DEVICE_CODE_GRANT] : []),
        ],
        response_types: uris.length ? ['code'] : [],
        redirect_uris: uris,
        post_logout_redirect_uris: uris,
      };
    }
    const redirectUris = app.platforms.web;
    // Graph web.implicitGrantSettings.enableIdTokenIssuance: an ID token from the authorization endpoint
    // too (`id_token`, or hybrid `code id_token`; OIDC Core §3.2, §3.3), never an access token there.
    const idTokens = redirectUris.length > 0 && app.platforms.idTokenIssuance;
    return {
      client_id: app.app_id,
      client_secret: createHmac('sha256', placeholderKey).update(`client-secret-placeholder:${app.app_id}`).digest('base64url'),
      client_name: app.display_name,
      grant_types: redirectUris.length ? ['client_credentials', 'authorization_code', 'refresh_token', ...(idTokens ? ['implicit'] : [])] : ['client_credentials'],
      response_types: redirectUris.length ? ['code', ...(idTokens ? ['code id_token', 'id_token'] : [])] : [],
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris,
      token_endpoint_auth_method: 'client_secret_basic',
    };
  };
}

/** True when `secret` is one of the app's current (started, unexpired) client secrets. */
export async function verifyClientSecret(db: Kysely<DB>, clientId: string, secret: string): Promise<boolean> {
  if (!UUID.test(clientId) || typeof secret !== 'string' || secret.length > 512) return false;
  return matchesAnyHash(secret, await validSecretHashes(db, clientId, new Date()));
}

/** Claims of an app's client-credentials access token (Entra app-token names). */
export async function appTokenClaims(db: Kysely<DB>, clientId: string): Promise<Record<string, unknown> | undefined> {
  const sp = await findServicePrincipal(db, clientId, 'appId');
  if (!sp) return undefined;
  const roles = (await appRoleAssignmentsOf(db, sp.id)).map((a) => a.app_role_value);
  const wids = await directoryRolesOfServicePrincipal(db, sp.id);
  return { oid: sp.id, idtyp: 'app', azp: clientId, appid: clientId, roles, wids };
}
