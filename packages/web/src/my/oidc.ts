/**
 * Signs the browser in through Latchkey's own OIDC provider as a first-party public client
 * (authorization code + PKCE S256, RFC 7636; state and nonce checked). Used by My Security
 * Info (`latchkey-my`) and the Control Center (`latchkey-console`). Tokens live in
 * sessionStorage only (gone with the tab).
 */
export interface OidcClient {
  clientId: string;
  /** The app's base path: `/my` or `/admin`; the redirect URI is `<origin><base>/callback`. */
  base: string;
}

export interface Session {
  accessToken: string;
  idToken: string;
  claims: Record<string, unknown>;
  expiresAt: number;
}

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
const pendingKey = (c: OidcClient) => `latchkey.oidc.pending.${c.clientId}`;
const sessionKey = (c: OidcClient) => `latchkey.oidc.session.${c.clientId}`;

/** Sends the browser to the authorization endpoint. `reauth` asks for a fresh sign-in (prompt=login, max_age=300). */
export async function beginSignIn(c: OidcClient, options: { returnTo?: string; reauth?: boolean } = {}): Promise<never> {
  const verifier = random();
  const state = random();
  const nonce = random();
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(pendingKey(c), JSON.stringify({ verifier, state, nonce, returnTo: options.returnTo ?? c.base }));
  const url = new URL('/oidc/authorize', location.origin);
  const params: Record<string, string> = {
    client_id: c.clientId,
    response_type: 'code',
    redirect_uri: `${location.origin}${c.base}/callback`,
    scope: 'openid profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.reauth ? { prompt: 'login', max_age: '300' } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  location.assign(url.toString());
  return new Promise<never>(() => {});
}

const completing = new Map<string, Promise<string>>();

/**
 * Completes the callback: checks state, redeems the code with the verifier, checks the nonce.
 * Returns where to go. Idempotent per callback URL (a re-rendered page must not redeem twice).
 */
export function completeSignIn(c: OidcClient, callbackUrl: URL): Promise<string> {
  let p = completing.get(callbackUrl.href);
  if (!p) completing.set(callbackUrl.href, (p = redeem(c, callbackUrl)));
  return p;
}

async function redeem(c: OidcClient, callbackUrl: URL): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(pendingKey(c)) ?? 'null') as { verifier: string; state: string; nonce: string; returnTo: string } | null;
  sessionStorage.removeItem(pendingKey(c));
  const error = callbackUrl.searchParams.get('error');
  if (error) throw new Error(callbackUrl.searchParams.get('error_description') ?? error);
  if (!pending || callbackUrl.searchParams.get('state') !== pending.state) throw new Error('This sign-in response does not match a sign-in started here. Sign in again.');
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: callbackUrl.searchParams.get('code') ?? '',
    redirect_uri: `${location.origin}${c.base}/callback`,
    client_id: c.clientId,
    code_verifier: pending.verifier,
  });
  const res = await fetch('/oidc/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const json = (await res.json()) as { access_token?: string; id_token?: string; expires_in?: number; error_description?: string };
  if (!res.ok || !json.access_token || !json.id_token) throw new Error(json.error_description ?? 'The sign-in could not be completed.');
  const claims = decode(json.id_token);
  if (claims.nonce !== pending.nonce) throw new Error('The sign-in response was not issued for this browser. Sign in again.');
  const session: Session = { accessToken: json.access_token, idToken: json.id_token, claims, expiresAt: Date.now() + (json.expires_in ?? 600) * 1000 };
  sessionStorage.setItem(sessionKey(c), JSON.stringify(session));
  return pending.returnTo;
}

export function currentSession(c: OidcClient): Session | null {
  const s = JSON.parse(sessionStorage.getItem(sessionKey(c)) ?? 'null') as Session | null;
  return s && s.expiresAt > Date.now() ? s : null;
}

/** Forgets the tokens and ends the provider session (RP-initiated logout, OIDC RP-Initiated Logout 1.0). */
export function signOut(c: OidcClient): void {
  const s = currentSession(c);
  sessionStorage.removeItem(sessionKey(c));
  const url = new URL('/oidc/logout', location.origin);
  url.searchParams.set('client_id', c.clientId);
  url.searchParams.set('post_logout_redirect_uri', `${location.origin}${c.base}`);
  if (s) url.searchParams.set('id_token_hint', s.idToken);
  location.assign(url.toString());
}

/** The claims of a JWT (display and nonce check only: the token came straight from the token endpoint over TLS). */
export function decode(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const b64 = part.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)))) as Record<string, unknown>;
}
