import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, registerApp, type Jar } from '../signin/support.ts';
import { PASSWORD, userWithToken } from '../signin/enforcement-support.ts';

/**
 * Public clients against a real server with openid-client as the relying party (ADR 0014):
 * authorization code + PKCE with no secret, no client credentials, no code without its verifier,
 * CORS at the token endpoint for SPA origins only; confidential apps still need their secret.
 */
for (const kind of STORE_KINDS) {
  describe(`public clients sign in with PKCE and no secret [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    const tokenUrl = () => new URL('/oidc/token', server.config.issuer);

    /** A registered public app (spa or publicClient) with its service principal, and an openid-client config without a secret. */
    async function registerPublicApp(platform: 'spa' | 'publicClient', registered: string) {
      const app = await server.api('/api/v1/applications', { body: { displayName: `Public ${crypto.randomUUID().slice(0, 6)}`, [platform]: { redirectUris: [registered] } } });
      expect(app.status, JSON.stringify(app.body)).toBe(201);
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: app.body.appId } })).status).toBe(201);
      const config = await oidc.discovery(new URL(server.config.issuer), app.body.appId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      return { appId: app.body.appId as string, config };
    }

    /** Signs `upn` in with a password up to the sign-in page's `redirectTo`. */
    async function passwordUpTo(rp: { config: oidc.Configuration; redirectUri: string }, upn: string, extra: Record<string, string> = {}) {
      const b = await beginSignIn(server, rp, extra);
      await b.post('start');
      await b.post('identify', { username: upn });
      const done = await b.post('password', { password: PASSWORD });
      expect(done.body.redirectTo, JSON.stringify(done.body)).toBeTruthy();
      return { b, redirectTo: done.body.redirectTo as string };
    }

    /** Follows `redirectTo` (resume, and a consent if asked) to the app's redirect URI without redeeming the code. */
    async function callbackUrl(jar: Jar, redirectTo: string, redirectUri: string): Promise<URL> {
      const base = new URL(server.config.issuer);
      let url = new URL(redirectTo, base);
      for (let hop = 0; hop < 12 && !url.href.startsWith(redirectUri); hop++) {
        if (url.pathname.startsWith('/signin/')) {
          const u = new URL(`${url.pathname}/api/start`, base);
          const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(u) }, body: '{}' });
          url = new URL(((await res.json()) as { redirectTo: string }).redirectTo, base);
          continue;
        }
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
        jar.store(res);
        url = new URL(res.headers.get('location')!, url);
      }
      expect(url.searchParams.get('code')).toBeTruthy();
      return url;
    }

    /** openid-client's error code, from a JSON body or a WWW-Authenticate challenge. */
    const oauthError = async (p: Promise<unknown>) => {
      const e = (await p.then(() => undefined, (err: unknown) => err)) as { error?: string; cause?: Array<{ parameters?: { error?: string } }> } | undefined;
      return e?.error ?? e?.cause?.[0]?.parameters?.error;
    };

    const tokenPost = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });

    it('a single-page app signs in with auth code + PKCE and no secret and receives an ID token', async () => {
      const user = await userWithToken(server);
      const redirectUri = 'https://spa.example/cb';
      const rp = { ...(await registerPublicApp('spa', redirectUri)), redirectUri };
      const { b, redirectTo } = await passwordUpTo(rp, user.upn);
      const tokens = await b.finish(redirectTo);
      expect(tokens.id_token).toBeTruthy();
      expect(tokens.claims()).toMatchObject({ aud: rp.appId, iss: server.config.issuer });
      expect(tokens.claims()!.sub).toEqual(expect.any(String));
      expect(tokens.access_token).toBeTruthy();
    });

    it('a mobile/desktop app signs in on a loopback redirect with any port (RFC 8252 §7.3)', async () => {
      const user = await userWithToken(server);
      const rp = { ...(await registerPublicApp('publicClient', 'http://127.0.0.1/callback')), redirectUri: 'http://127.0.0.1:53123/callback' };
      const { b, redirectTo } = await passwordUpTo(rp, user.upn);
      const tokens = await b.finish(redirectTo);
      expect(tokens.claims()).toMatchObject({ aud: rp.appId });
    });

    it('a public client cannot use client credentials, with or without a made-up secret', async () => {
      const rp = await registerPublicApp('spa', 'https://spa-cc.example/cb');
      const r0 = await tokenPost({ grant_type: 'client_credentials', client_id: rp.appId });
      expect(r0.status).toBe(400);
      expect(await r0.json()).toMatchObject({ error: 'invalid_request', error_description: 'requested grant type is not allowed for this client' });
      expect(await oauthError(oidc.clientCredentialsGrant(rp.config))).toBe('invalid_request');
      const basic = `Basic ${Buffer.from(`${rp.appId}:guessed-secret`).toString('base64')}`;
      const r = await tokenPost({ grant_type: 'client_credentials' }, { authorization: basic });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: string }).error).toBe('invalid_client');
    });

    it('refuses a code redeemed without its code_verifier, and an authorization request without a code_challenge', async () => {
      const user = await userWithToken(server);
      const redirectUri = 'https://spa-pkce.example/cb';
      const rp = { ...(await registerPublicApp('spa', redirectUri)), redirectUri };
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const { b, redirectTo } = await passwordUpTo(rp, user.upn, { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), nonce });
      const callback = await callbackUrl(b.jar, redirectTo, redirectUri);
      const r = await tokenPost({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: redirectUri, client_id: rp.appId });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe('invalid_grant');
      const wrong = await tokenPost({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: redirectUri, client_id: rp.appId, code_verifier: oidc.randomPKCECodeVerifier() });
      expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');
      // The same code with its verifier is accepted (PKCE is checked before the code is consumed), so the refusals above were PKCE's.
      const tokens = await oidc.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: verifier, expectedState: callback.searchParams.get('state')!, expectedNonce: nonce });
      expect(tokens.id_token).toBeTruthy();

      const noChallenge = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: redirectUri, scope: 'openid', state: 's', nonce: 'n' });
      const res = await fetch(noChallenge, { redirect: 'manual' });
      const to = new URL(res.headers.get('location')!);
      expect(to.href.startsWith(redirectUri)).toBe(true);
      expect(to.searchParams.get('error')).toBe('invalid_request');
      expect(to.searchParams.get('error_description')).toMatch(/PKCE/);
    });

    it('the token endpoint answers CORS for a SPA origin only: other origins, native and confidential clients are refused', async () => {
      const spa = await registerPublicApp('spa', 'https://cors-spa.example/cb');
      const native = await registerPublicApp('publicClient', 'http://127.0.0.1/cb');
      const web = await registerApp(server, 'https://cors-web.example/cb');
      const attempt = (clientId: string, origin: string) => tokenPost({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: 'https://x.example/', client_id: clientId, code_verifier: 'x'.repeat(43) }, { origin });

      const allowed = await attempt(spa.appId, 'https://cors-spa.example');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://cors-spa.example');
      expect(((await allowed.json()) as { error: string }).error).toBe('invalid_grant');

      for (const [clientId, origin] of [
        [spa.appId, 'https://evil.example'],
        [native.appId, 'http://127.0.0.1'],
        [web.appId, 'https://cors-web.example'],
      ] as const) {
        const refused = await attempt(clientId, origin);
        expect(refused.headers.get('access-control-allow-origin'), `${clientId} from ${origin}`).toBeNull();
        expect(refused.status).toBeGreaterThanOrEqual(400);
      }
    });

    it('a web app made public stops accepting its old secret, and accepts it again once it is a web app again; a fallback public client gets no tokens by secret', async () => {
      const web = await registerApp(server, 'https://flip.example/cb');
      const app = (await server.api(`/api/v1/applications?$filter=${encodeURIComponent(`appId eq '${web.appId}'`)}`)).body.value[0];
      expect(app.passwordCredentials).toHaveLength(1);
      expect((await oidc.clientCredentialsGrant(web.config)).access_token).toBeTruthy();

      const toSpa = await server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { web: { redirectUris: [] }, spa: { redirectUris: ['https://flip.example/'] } } });
      expect(toSpa.status).toBe(204);
      expect((await server.api(`/api/v1/applications/${app.id}`)).body.passwordCredentials).toHaveLength(1);
      expect(await oauthError(oidc.clientCredentialsGrant(web.config))).toBe('invalid_client');

      const back = await server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { spa: { redirectUris: [] }, web: { redirectUris: ['https://flip.example/cb'] } } });
      expect(back.status).toBe(204);
      expect((await oidc.clientCredentialsGrant(web.config)).access_token).toBeTruthy();

      const fallback = (await server.api('/api/v1/applications', { body: { displayName: `Fallback ${crypto.randomUUID().slice(0, 6)}`, isFallbackPublicClient: true } })).body;
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: fallback.appId } })).status).toBe(201);
      const r = await tokenPost({ grant_type: 'client_credentials', client_id: fallback.appId });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe('invalid_request');
      const basic = await tokenPost({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${fallback.appId}:x`).toString('base64')}` });
      expect(basic.status).toBe(401);
    });

    it('a confidential web app still needs its secret: no secret or a wrong one is invalid_client, the right one works', async () => {
      const web = await registerApp(server, 'https://confidential.example/cb');
      const noSecret = await oidc.discovery(new URL(server.config.issuer), web.appId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      expect(await oauthError(oidc.clientCredentialsGrant(noSecret))).toBe('invalid_client');
      const wrong = await oidc.discovery(new URL(server.config.issuer), web.appId, undefined, oidc.ClientSecretBasic('wrong-secret'), { execute: [oidc.allowInsecureRequests] });
      expect(await oauthError(oidc.clientCredentialsGrant(wrong))).toBe('invalid_client');
      expect((await oidc.clientCredentialsGrant(web.config)).access_token).toBeTruthy();
    });
  });
}
