import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, newUser, registerPasskey, type Jar } from '../signin/support.ts';

/**
 * Graph `web.implicitGrantSettings.enableIdTokenIssuance` (Entra's "ID tokens (used for implicit and
 * hybrid flows)"): a web app may get its ID token from the authorization endpoint, `id_token` or
 * hybrid `code id_token` with `form_post`, as ASP.NET's OWIN middleware and the older ASP.NET Core
 * Azure AD templates ask. Never an access token there (`enableAccessTokenIssuance` is refused).
 */
for (const kind of STORE_KINDS) {
  describe(`ID tokens from the authorization endpoint (implicit and hybrid) [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    async function webApp(redirectUri: string, idTokens: boolean) {
      const app = (await server.api('/api/v1/applications', { body: { displayName: `Owin ${crypto.randomUUID().slice(0, 6)}`, web: { redirectUris: [redirectUri], implicitGrantSettings: { enableIdTokenIssuance: idTokens } } } })).body;
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: app.appId } })).status).toBe(201);
      const secret = (await server.api(`/api/v1/applications/${app.id}/addPassword`, { body: {} })).body.secretText as string;
      const config = await oidc.discovery(new URL(server.config.issuer), app.appId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
      return { app, config, redirectUri };
    }

    /** A new person with a passkey signs in to `rp` asking for `responseType` with form_post and no PKCE; the fields posted to the app, and who signed in. */
    async function signInFor(rp: { config: oidc.Configuration; redirectUri: string }, responseType: string) {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, rp, { response_type: responseType, response_mode: 'form_post' }, 'get', undefined, false);
      await b.post('start');
      const v = await b.usernamelessPasskey(auth);
      return { user, state: b.state, fields: await formPosted(b.jar, v.body.redirectTo) };
    }
    const verified = async (idToken: string, audience: string) =>
      (await jwtVerify(idToken, createRemoteJWKSet(new URL(`${server.config.issuer}/oidc/jwks`)), { issuer: server.config.issuer, audience })).payload;

    /** Follows the sign-in's resume (answering a consent prompt as the page does) to the provider's form_post page; its fields. */
    async function formPosted(jar: Jar, redirectTo: string): Promise<URLSearchParams> {
      let url = new URL(redirectTo, server.config.issuer);
      for (let hop = 0; hop < 8; hop++) {
        if (url.pathname.startsWith('/signin/')) {
          const u = new URL(`${url.pathname}/api/start`, server.config.issuer);
          const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(u) }, body: '{}' });
          url = new URL(((await res.json()) as { redirectTo: string }).redirectTo, server.config.issuer);
          continue;
        }
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
        jar.store(res);
        const location = res.headers.get('location');
        if (location) {
          url = new URL(location, url);
          continue;
        }
        const html = await res.text();
        return new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
      }
      throw new Error('no form_post page');
    }

    it('the API shows the setting (off by default), takes it by PATCH with an audit entry, and refuses access tokens and public clients, changing nothing', async () => {
      const { app } = await webApp('https://owin-api.example/signin-oidc', false);
      expect(app.web.implicitGrantSettings).toEqual({ enableIdTokenIssuance: false, enableAccessTokenIssuance: false });
      expect((await server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { web: { implicitGrantSettings: { enableIdTokenIssuance: true } } } })).status).toBe(204);
      const after = (await server.api(`/api/v1/applications/${app.id}`)).body;
      expect(after.web).toEqual({ redirectUris: ['https://owin-api.example/signin-oidc'], implicitGrantSettings: { enableIdTokenIssuance: true, enableAccessTokenIssuance: false } });
      const audit = (await server.api(`/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Update application'")}`)).body.value;
      expect(JSON.stringify(audit)).toContain('EnableIdTokenIssuance');

      const tokens = await server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { web: { implicitGrantSettings: { enableAccessTokenIssuance: true } } } });
      expect(tokens.status).toBe(400);
      expect(tokens.body.error.message).toMatch(/access tokens from the authorization endpoint/);
      const spa = await server.api('/api/v1/applications', { body: { displayName: 'SPA implicit', spa: { redirectUris: ['https://spa-implicit.example/'] }, web: { implicitGrantSettings: { enableIdTokenIssuance: true } } } });
      expect(spa.status).toBe(400);
      expect(spa.body.error.message).toMatch(/enableIdTokenIssuance is for web apps/);
      // OIDC Registration §2: with ID tokens on, no http or localhost redirect URI, either way round (oidc-provider would refuse the client).
      const local = await server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { web: { redirectUris: ['https://owin-api.example/signin-oidc', 'http://localhost:5000/signin-oidc'] } } });
      expect(local.status).toBe(400);
      expect(local.body.error.message).toMatch(/http:\/\/localhost:5000\/signin-oidc is not one/);
      const localApp = await server.api('/api/v1/applications', { body: { displayName: 'Local OWIN', web: { redirectUris: ['https://localhost/signin-oidc'], implicitGrantSettings: { enableIdTokenIssuance: true } } } });
      expect(localApp.status).toBe(400);
      expect((await server.api(`/api/v1/applications/${app.id}`)).body.web).toEqual(after.web);
      expect((await server.api(`/api/v1/applications?$filter=${encodeURIComponent("displayName eq 'SPA implicit'")}`)).body.value).toEqual([]);
    });

    it('hybrid `code id_token` with form_post, no PKCE (a nonce): a verified ID token with c_hash at the app, and the code redeems at the token endpoint', async () => {
      const rp = await webApp('https://owin.example/signin-oidc', true);
      const { user, state, fields } = await signInFor(rp, 'code id_token');
      expect(fields.get('state')).toBe(state);
      const code = fields.get('code')!;
      const payload = await verified(fields.get('id_token')!, rp.app.appId);
      expect(payload.sub).toBe(user.id);
      expect(payload.nonce).toEqual(expect.any(String));
      // OIDC Core §3.3.2.11: c_hash is the left half of SHA-256 of the code, base64url.
      expect(payload.c_hash).toBe(createHash('sha256').update(code).digest().subarray(0, 16).toString('base64url'));
      const redeemed = await oidc.genericGrantRequest(rp.config, 'authorization_code', { code, redirect_uri: rp.redirectUri });
      expect(redeemed.claims()?.sub).toBe(user.id);
    });

    it('`id_token` alone (implicit sign-in) gets the ID token and no code; without the setting, the provider refuses the response type', async () => {
      const rp = await webApp('https://owin-implicit.example/signin-oidc', true);
      const { user, fields } = await signInFor(rp, 'id_token');
      expect(fields.get('code')).toBeNull();
      expect((await verified(fields.get('id_token')!, rp.app.appId)).sub).toBe(user.id);

      const off = await webApp('https://owin-off.example/signin-oidc', false);
      const url = oidc.buildAuthorizationUrl(off.config, { redirect_uri: off.redirectUri, scope: 'openid', response_type: 'code id_token', nonce: 'n', state: 's' });
      const res = await fetch(url, { redirect: 'manual' });
      const back = new URL(res.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(off.redirectUri);
      const error = new URLSearchParams(back.hash.slice(1)); // the hybrid response's default mode is the fragment
      expect(error.get('error')).toBe('invalid_request');
      expect(error.get('error_description')).toBe('requested response_type is not allowed for this client');
    });
  });
}
