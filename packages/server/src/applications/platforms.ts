import { ApiError } from '../errors.ts';

/**
 * An application's platforms (Graph `application.web`, `.spa`, `.publicClient`,
 * `.isFallbackPublicClient`) and the OAuth client they make (ADR 0014):
 * - `confidential`: web redirect URIs or none at all; authenticates with a client secret
 *   (client_secret_basic), may use client credentials;
 * - `spa`: single-page app, public (`token_endpoint_auth_method: none`), authorization code with
 *   PKCE only; the token endpoint answers CORS for its redirect URIs' origins;
 * - `native`: mobile and desktop app, public, authorization code with PKCE only; custom-scheme,
 *   claimed https and loopback redirect URIs (RFC 8252 §7.1–§7.3); no CORS.
 * oidc-provider gives a client one authentication method and one application type, so an app has
 * one platform: mixing them is a 400 (Entra allows it; ADR 0014 says why Latchkey does not).
 */
export type ClientKind = 'confidential' | 'spa' | 'native';

export interface Platforms {
  web: string[];
  spa: string[];
  publicClient: string[];
  isFallbackPublicClient: boolean;
  /** Graph `web.implicitGrantSettings.enableIdTokenIssuance`: a web app may ask the authorization endpoint for an ID token (implicit and hybrid flows). */
  idTokenIssuance: boolean;
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
// Schemes a redirect can never safely use (the same list oidc-provider refuses for native clients).
const FORBIDDEN_SCHEMES = ['javascript:', 'vbscript:', 'data:', 'blob:', 'file:', 'about:'];

const parse = (s: string): URL | undefined => URL.parse(s) ?? undefined;

/** web and spa: https, or http only for a loopback host; no fragment (RFC 6749 §3.1.2). */
export function isWebRedirectUri(s: string): boolean {
  const u = parse(s);
  if (!u || u.hash || s.includes('#')) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.includes(u.hostname));
}

/**
 * publicClient (mobile and desktop): a private-use scheme such as `com.example.app:/callback`
 * (RFC 8252 §7.1), a claimed https URI that is not loopback (§7.2), or http on a loopback host,
 * any port (§7.3). No fragment.
 */
export function isNativeRedirectUri(s: string): boolean {
  const u = parse(s);
  if (!u || u.hash || s.includes('#')) return false;
  if (u.protocol === 'http:') return LOOPBACK_HOSTS.includes(u.hostname);
  if (u.protocol === 'https:') return !LOOPBACK_HOSTS.includes(u.hostname);
  // RFC 3986 §3.1 scheme syntax; RFC 8252 §7.1 private-use schemes.
  return /^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) && !FORBIDDEN_SCHEMES.includes(u.protocol.toLowerCase());
}

/** Which client the platforms make; throws 400 when they mix (see the module comment), or when ID tokens from the authorization endpoint (ADR 0026) meet a public client or a redirect URI that is not https or is localhost. */
export function clientKindOf(p: Platforms): ClientKind {
  const isPublic = p.spa.length > 0 || p.publicClient.length > 0 || p.isFallbackPublicClient;
  if (!isPublic) {
    // OpenID Connect Dynamic Client Registration §2 (which oidc-provider enforces on every client): a
    // web client that gets tokens from the authorization endpoint registers https URIs only, never localhost.
    const plain = p.idTokenIssuance ? p.web.find((u) => parse(u)?.protocol !== 'https:' || parse(u)?.hostname === 'localhost') : undefined;
    if (plain !== undefined)
      throw new ApiError(
        'Request_BadRequest',
        `web.implicitGrantSettings.enableIdTokenIssuance needs https redirect URIs that are not localhost (OpenID Connect Registration §2: the ID token travels in the browser); ${plain} is not one. Remove it or keep ID tokens off.`,
      );
    return 'confidential';
  }
  if (p.idTokenIssuance)
    throw new ApiError(
      'Request_BadRequest',
      'web.implicitGrantSettings.enableIdTokenIssuance is for web apps (confidential, with a client secret); a public client signs in with the authorization code flow and PKCE and gets its ID token from the token endpoint.',
    );
  if (p.web.length > 0)
    throw new ApiError(
      'Request_BadRequest',
      'An application is either a web app (confidential, web.redirectUris) or a public client (spa.redirectUris, publicClient.redirectUris or isFallbackPublicClient); clear web.redirectUris or register a second application. See docs/adr/0014-public-clients.md.',
    );
  if (p.spa.length > 0 && p.publicClient.length > 0)
    throw new ApiError(
      'Request_BadRequest',
      'An application has either spa.redirectUris (single-page app) or publicClient.redirectUris (mobile and desktop), not both; register one application per platform.',
    );
  return p.spa.length > 0 ? 'spa' : 'native';
}

/** True for the kinds that never hold or accept a client secret. */
export const isPublicKind = (k: ClientKind): boolean => k !== 'confidential';
