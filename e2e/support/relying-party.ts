import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { TestServer } from '../../packages/server/test/support/server.ts';

export interface RelyingParty {
  /** Where the app listens; `/login[?login_hint=…]` starts a sign-in. */
  base: string;
  /** The application (client) id, which Conditional Access policies target. */
  appId: string;
  /** Every ID token the app received, newest last. */
  idTokens: string[];
  /** Every refresh token the app received (`/login?scope=… offline_access`), newest last. */
  refreshTokens: string[];
  close(): Promise<void>;
}

/**
 * A tiny relying party on openid-client (auth code + PKCE): registered through the admin API as
 * `displayName` with a client secret, it answers `/cb` with a heading "Signed in to <heading>" and
 * the verified ID token claims as JSON, or with "Sign-in error at <heading>" and the error code.
 * `/login` takes `login_hint`, `prompt`, `scope` (default `openid profile`), `claims`, `acr_values` and `response_mode`
 * (`form_post`: the browser POSTs the code to `/cb`, as ASP.NET's OpenID Connect handler asks) for the request;
 * `request_method=post` sends the request as a form the browser posts (ASP.NET's `AuthenticationMethod = FormPost`);
 * `/frame?…` shows `/login?…` in an iframe (`#silent`), as MSAL renews tokens. `/logout?state=…` signs out
 * with the newest ID token as the hint (`request_method=post` as above) and back to `/signed-out`, which
 * answers "Signed out of <heading>" and the state (`#state`). `host` names the
 * app's address (`localhost` makes it same-site with a Latchkey at localhost, as an app and its
 * identity provider under one organisation's domain are).
 */
export async function startRelyingParty(server: TestServer, displayName: string, heading: string, host = '127.0.0.1'): Promise<RelyingParty> {
  const pending = new Map<string, { verifier: string; nonce: string }>();
  const idTokens: string[] = [];
  const refreshTokens: string[] = [];
  // eslint-disable-next-line prefer-const -- assigned once discovery has run, after the server that reads it exists
  let config: oidc.Configuration;
  const http: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, base);
      if (url.pathname === '/login') {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        pending.set(state, { verifier, nonce });
        const hint = url.searchParams.get('login_hint');
        const prompt = url.searchParams.get('prompt');
        const scope = url.searchParams.get('scope') ?? 'openid profile';
        const mode = url.searchParams.get('response_mode');
        const claims = url.searchParams.get('claims'); // e.g. an essential acr (OIDC Core §5.5.1.1)
        const acrValues = url.searchParams.get('acr_values');
        const viaPost = url.searchParams.get('request_method') === 'post';
        const to = oidc.buildAuthorizationUrl(config, {
          redirect_uri: `${base}/cb`,
          scope,
          state,
          nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          ...(hint ? { login_hint: hint } : {}),
          ...(prompt ? { prompt } : {}),
          ...(mode ? { response_mode: mode } : {}),
          ...(claims ? { claims } : {}),
          ...(acrValues ? { acr_values: acrValues } : {}),
        });
        if (viaPost) res.writeHead(200, { 'content-type': 'text/html' }).end(autoPostPage(to));
        else res.writeHead(302, { location: to.href }).end();
      } else if (url.pathname === '/logout') {
        const to = oidc.buildEndSessionUrl(config, { id_token_hint: idTokens.at(-1)!, post_logout_redirect_uri: `${base}/signed-out`, state: url.searchParams.get('state') ?? '' });
        if (url.searchParams.get('request_method') === 'post') res.writeHead(200, { 'content-type': 'text/html' }).end(autoPostPage(to));
        else res.writeHead(302, { location: to.href }).end();
      } else if (url.pathname === '/signed-out') {
        const state = (url.searchParams.get('state') ?? '').replace(/[^\w-]/g, '');
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Signed out of ${heading}</h1><p id="state">${state}</p>`);
      } else if (url.pathname === '/frame') {
        const src = `/login?${url.searchParams}`; // URLSearchParams percent-encodes quotes and angle brackets
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>The app renews its tokens in the background</h1><iframe id="silent" title="silent renewal" src="${src}"></iframe>`);
      } else if (url.pathname === '/cb' && url.searchParams.has('error')) {
        const error = (url.searchParams.get('error') ?? '').replace(/[^a-z_]/g, '');
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Sign-in error at ${heading}</h1><p id="error">${error}</p>`);
      } else if (url.pathname === '/cb') {
        // form_post: the parameters come in the body, and openid-client takes the POST as a Request.
        const posted = req.method === 'POST' ? new URLSearchParams(await bodyOf(req)) : undefined;
        const params = posted ?? url.searchParams;
        const p = pending.get(params.get('state') ?? '');
        const current = posted ? new Request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: posted }) : url;
        const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: p!.verifier, expectedState: params.get('state')!, expectedNonce: p!.nonce });
        idTokens.push(tokens.id_token!);
        if (tokens.refresh_token) refreshTokens.push(tokens.refresh_token);
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Signed in to ${heading}</h1><pre id="claims">${JSON.stringify(tokens.claims())}</pre>`);
      } else res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    })().catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const base = `http://${host}:${(http.address() as AddressInfo).port}`;
  const app = (await server.api('/api/v1/applications', { body: { displayName, web: { redirectUris: [`${base}/cb`, `${base}/signed-out`] } } })).body;
  await server.api('/api/v1/servicePrincipals', { body: { appId: app.appId } });
  const secret = (await server.api(`/api/v1/applications/${app.id}/addPassword`, { body: {} })).body.secretText as string;
  config = await oidc.discovery(new URL(server.config.issuer), app.appId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
  return { base, appId: app.appId, idTokens, refreshTokens, close: () => new Promise<void>((r) => http.close(() => r())) };
}

/** A page whose form posts `to`'s parameters to its endpoint at once, as an app sends a request by POST. */
function autoPostPage(to: URL): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const fields = [...to.searchParams].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  return `<form method="post" action="${esc(`${to.origin}${to.pathname}`)}">${fields}<noscript><button>Continue</button></noscript></form><script>document.forms[0].submit()</script>`;
}

async function bodyOf(req: import('node:http').IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
