import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { pkceRequired } from '../../src/oidc/provider.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, newUser, registerApp, registerPasskey } from '../signin/support.ts';

const confidential = { clientAuthMethod: 'client_secret_basic' };
const publicClient = { clientAuthMethod: 'none' };

/** When an authorization request must carry PKCE (RFC 9700 §2.1.1, ADR 0025): the rule. */
describe('PKCE policy (the rule)', () => {
  it('public clients always; confidential ones unless an OpenID Connect request carries a nonce', () => {
    expect(pkceRequired({ scope: 'openid profile', nonce: 'n' }, publicClient)).toBe(true);
    expect(pkceRequired({ scope: 'openid profile', nonce: 'n' }, confidential)).toBe(false);
    expect(pkceRequired({ scope: 'openid profile' }, confidential)).toBe(true);
    expect(pkceRequired({ scope: 'openid', nonce: '' }, confidential)).toBe(true);
    expect(pkceRequired({ scope: 'profile', nonce: 'n' }, confidential)).toBe(true); // not OpenID Connect: no ID token binds the nonce
    expect(pkceRequired({}, confidential)).toBe(true);
  });
});

for (const kind of STORE_KINDS) {
  describe(`PKCE policy over HTTP [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    const firstHop = async (url: URL) => new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!, url);

    it('a confidential app with a nonce and no PKCE signs in (GitLab, older .NET apps); the ID token carries the nonce', async () => {
      const rp = await registerApp(server, 'https://no-pkce.example/cb');
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, rp, {}, 'get', undefined, false);
      await b.post('start');
      const v = await b.usernamelessPasskey(auth);
      const tokens = await b.finish(v.body.redirectTo); // openid-client checks the nonce (expectedNonce)
      expect(tokens.claims()).toMatchObject({ sub: user.id, nonce: expect.any(String) });
    });

    it('without a nonce, a confidential app still needs PKCE; so does a public client, nonce or not', async () => {
      const rp = await registerApp(server, 'https://no-pkce2.example/cb');
      const noNonce = await firstHop(oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid', state: 's' }));
      expect(`${noNonce.origin}${noNonce.pathname}`).toBe(rp.redirectUri);
      expect(noNonce.searchParams.get('error')).toBe('invalid_request');
      expect(noNonce.searchParams.get('error_description')).toMatch(/PKCE/);

      const spa = (await server.api('/api/v1/applications', { body: { displayName: 'SPA', spa: { redirectUris: ['https://spa.example/'] } } })).body;
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: spa.appId } })).status).toBe(201);
      const config = await oidc.discovery(new URL(server.config.issuer), spa.appId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const refused = await firstHop(oidc.buildAuthorizationUrl(config, { redirect_uri: 'https://spa.example/', scope: 'openid', state: 's', nonce: 'n-1' }));
      expect(refused.searchParams.get('error')).toBe('invalid_request');
      expect(refused.searchParams.get('error_description')).toMatch(/PKCE/);
    });

    it('an app that sent a code_challenge must prove it, and a verifier for a code issued without one is refused (RFC 9700 §2.1.1, downgrade)', async () => {
      const rp = await registerApp(server, 'https://pkce-bound.example/cb');
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      // A first sign-in gives the app its grant; the next two (prompt=login, same browser) then land at the app without a consent hop.
      const first = await beginSignIn(server, rp);
      await first.post('start');
      await first.finish((await first.usernamelessPasskey(auth)).body.redirectTo);
      const again = async (pkce: boolean) => {
        const b = await beginSignIn(server, rp, { prompt: 'login' }, 'get', first.jar, pkce);
        await b.post('start');
        return { landed: await b.land((await b.usernamelessPasskey(auth)).body.redirectTo), state: b.state };
      };
      const refusedGrant = (e: unknown) => (e as { error?: string }).error;
      // Issued with a challenge, redeemed without its verifier.
      const a = await again(true);
      expect(a.landed.searchParams.get('code')).toBeTruthy();
      expect(await oidc.authorizationCodeGrant(rp.config, a.landed, { expectedState: a.state }).then(() => 'redeemed', refusedGrant)).toBe('invalid_grant');
      // Issued without one (a nonce instead), redeemed with a verifier.
      const b = await again(false);
      expect(b.landed.searchParams.get('code')).toBeTruthy();
      expect(
        await oidc.authorizationCodeGrant(rp.config, b.landed, { expectedState: b.state, pkceCodeVerifier: oidc.randomPKCECodeVerifier() }).then(() => 'redeemed', refusedGrant),
      ).toBe('invalid_grant');
    });
  });
}
