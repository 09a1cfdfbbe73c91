import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { answerLogoutPage, beginSignIn, browserOf, enableFido2, newUser, passkeySignIn, postAuthorization, registerApp, registerPasskey, silentSignIn } from '../signin/support.ts';
import { MAX_POSTED_QUERY_BYTES } from '../../src/oidc/posted-request.ts';

/**
 * Authorization and logout requests by POST (OIDC Core §3.1.2.1, RP-Initiated Logout §2): the
 * endpoint answers `303 See Other` to the same request by GET, so the browser's top-level GET
 * carries the `SameSite=Lax` session cookie that its cross-site POST could not (ADR 0023).
 */
for (const kind of STORE_KINDS) {
  describe(`authorization and logout requests by POST [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    const form = (body: string | URLSearchParams, contentType = 'application/x-www-form-urlencoded', path = '/oidc/authorize') =>
      fetch(new URL(path, server.config.issuer), { method: 'POST', redirect: 'manual', headers: { 'content-type': contentType }, body });
    const payloadRows = async () => Number((await server.runtime.store.db.selectFrom('oidc_payloads').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    it('a posted authorization request becomes the same request by GET, and a passkey sign-in through it ends with tokens', async () => {
      const rp = await registerApp(server, 'https://post-app.example/cb');
      const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid profile', state: 'st-1', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' });
      const res = await form(url.searchParams);
      expect(res.status).toBe(303);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const to = new URL(res.headers.get('location')!);
      expect(`${to.origin}${to.pathname}`).toBe(`${server.config.issuer}/oidc/authorize`);
      expect([...to.searchParams].sort()).toEqual([...url.searchParams].sort());

      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, rp, {}, 'post');
      await b.post('start');
      const v = await b.usernamelessPasskey(auth);
      expect(v.status).toBe(200);
      const tokens = await b.finish(v.body.redirectTo);
      expect(tokens.claims()?.sub).toBe(user.id);
      expect(tokens.claims()?.amr).toContain('hwk');
    });

    it('inside an SSO session the GET after the POST carries the session: a silent request gets its code without a page', async () => {
      const rp = await registerApp(server, 'https://post-sso.example/cb');
      const { user, jar } = await passkeySignIn(server, rp);
      const verifier = oidc.randomPKCECodeVerifier();
      const posted = oidc.buildAuthorizationUrl(rp.config, {
        redirect_uri: rp.redirectUri,
        scope: 'openid',
        prompt: 'none',
        state: 'st-2',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      let url = await postAuthorization(posted); // no cookie with the POST
      for (let i = 0; i < 6 && !url.href.startsWith(rp.redirectUri); i++) {
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
        jar.store(res);
        expect(res.status).toBeGreaterThanOrEqual(300);
        url = new URL(res.headers.get('location')!, url);
      }
      expect(url.searchParams.get('error')).toBeNull();
      const tokens = await oidc.authorizationCodeGrant(rp.config, url, { pkceCodeVerifier: verifier, expectedState: 'st-2' });
      expect(tokens.claims()?.sub).toBe(user.id);
      // The same silent request by GET lands the same way (the comparison the POST must match).
      expect((await silentSignIn(server, rp, jar, 'openid')).landed.searchParams.get('code')).toBeTruthy();
    });

    it("keeps the endpoint's own query and lets the provider refuse a parameter given twice", async () => {
      const rp = await registerApp(server, 'https://post-twice.example/cb');
      const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid', state: 'in-form', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' });
      const res = await form(url.searchParams, 'application/x-www-form-urlencoded', '/oidc/authorize?state=in-url');
      expect(res.status).toBe(303);
      const to = new URL(res.headers.get('location')!);
      expect(to.searchParams.getAll('state')).toEqual(['in-url', 'in-form']);
      const answer = await fetch(to, { redirect: 'manual' });
      const back = new URL(answer.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(rp.redirectUri);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(/state/);
    });

    it('keeps characters that need encoding intact (a redirect URI with its own query, a space in the scope)', async () => {
      const rp = await registerApp(server, 'https://post-enc.example/cb?tenant=a&x=%2F');
      const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid profile', state: 'a b&c=d', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' });
      const to = await postAuthorization(url);
      expect(to.searchParams.get('redirect_uri')).toBe(rp.redirectUri);
      expect(to.searchParams.get('scope')).toBe('openid profile');
      expect(to.searchParams.get('state')).toBe('a b&c=d');
    });

    it('refuses a POST whose parameters are not a form, and one too large for a URL, with an OAuth error and nothing stored', async () => {
      const before = await payloadRows();
      const json = await form(JSON.stringify({ client_id: 'x', response_type: 'code' }), 'application/json');
      expect(json.status).toBe(400);
      expect(await json.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/application\/x-www-form-urlencoded/) });
      const none = await fetch(new URL('/oidc/authorize', server.config.issuer), { method: 'POST', redirect: 'manual' });
      expect(none.status).toBe(400);
      expect(((await none.json()) as { error: string }).error).toBe('invalid_request');
      const big = await form(new URLSearchParams({ client_id: 'x', response_type: 'code', request: 'e'.repeat(MAX_POSTED_QUERY_BYTES) }));
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error_description: string }).error_description).toMatch(/pushed authorization request/);
      const logoutJson = await form('{}', 'application/json', '/oidc/logout');
      expect(logoutJson.status).toBe(400);
      expect(await payloadRows()).toBe(before);
    });

    it('a posted logout request shows the same confirmation as by GET; confirming ends the session and returns to the app with its state', async () => {
      const rp = await registerApp(server, 'https://post-logout.example/cb');
      const { tokens, jar } = await passkeySignIn(server, rp);
      const end = oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: rp.redirectUri, state: 'bye-post' });
      const posted = await form(end.searchParams, 'application/x-www-form-urlencoded', '/oidc/logout');
      expect(posted.status).toBe(303);
      const to = new URL(posted.headers.get('location')!);
      expect(to.pathname).toBe('/oidc/logout');
      const get = browserOf(jar);
      const page = await get(to);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<h1>Sign out?</h1>'); // Latchkey's page, which loads nothing from elsewhere (the provider's default imports a Google font)
      expect(html).not.toMatch(/@import|<link|<script/);
      expect(html.match(/https?:\/\/[^"'\s)]+/g)?.every((u) => u.startsWith(`${server.config.issuer}/`))).toBe(true);
      const confirmed = await answerLogoutPage(get, server.config.issuer, html, { logout: 'yes' });
      const back = new URL(confirmed.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(rp.redirectUri);
      expect(back.searchParams.get('state')).toBe('bye-post');
      expect((await silentSignIn(server, rp, jar, 'openid')).landed.searchParams.get('error')).toBe('login_required');
    });

    it('leaves the other POST endpoints to the provider (the token endpoint still answers a form with an OAuth error, not a redirect)', async () => {
      const res = await form(new URLSearchParams({ grant_type: 'authorization_code', code: 'nope', redirect_uri: 'https://x.example/cb' }), 'application/x-www-form-urlencoded', '/oidc/token');
      expect(res.status).toBe(400); // no client authentication: the provider's own answer
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    });
  });
}
