import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { answerLogoutPage, browserOf, enableFido2, passkeySignIn, registerApp } from '../signin/support.ts';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) for the organisation's registered
 * apps, with openid-client: as with Entra, an app may send the browser back to one of its
 * registered redirect URIs after sign-out (`post_logout_redirect_uri`), with its `state`; any
 * other address is refused and nobody is sent there.
 */
for (const kind of STORE_KINDS) {
  describe(`RP-initiated logout of registered apps [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    async function signedIn(redirectUri: string) {
      const rp = await registerApp(server, redirectUri);
      return { rp, ...(await passkeySignIn(server, rp)) };
    }

    it('sends the browser back to a registered redirect URI with its state once the person confirms, and ends the session', async () => {
      const { rp, tokens, jar } = await signedIn('https://logout-app.example/cb');
      const get = browserOf(jar);
      const page = await get(
        oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: rp.redirectUri, state: 'bye-1' }),
      );
      expect(page.status).toBe(200);
      const confirmed = await answerLogoutPage(get, server.config.issuer, await page.text(), { logout: 'yes' });
      const back = new URL(confirmed.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(rp.redirectUri);
      expect(back.searchParams.get('state')).toBe('bye-1');
      // The SSO session is gone: a silent request now needs the person.
      const silent = await get(
        oidc.buildAuthorizationUrl(rp.config, {
          redirect_uri: rp.redirectUri,
          scope: 'openid',
          prompt: 'none',
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
          state: 's',
        }),
      );
      expect(new URL(silent.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    });

    it("without a post_logout_redirect_uri: Latchkey's own pages; \"Stay signed in\" ends only the app's grant, \"Sign out\" the session", async () => {
      const { rp, tokens, jar } = await signedIn('https://logout-app3.example/cb');
      const get = browserOf(jar);
      const confirm = async (choice: Record<string, string>) => {
        const page = await get(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token! }));
        const html = await page.text();
        expect(html).toMatch(/<h1>Sign out\?<\/h1>\s*<p>RP [0-9a-f]{6} asked to sign you out\./);
        const confirmed = await answerLogoutPage(get, server.config.issuer, html, choice);
        const done = await get(new URL(confirmed.headers.get('location')!, server.config.issuer));
        expect(done.status).toBe(200);
        const text = await done.text();
        expect(text).not.toMatch(/@import|<link|<script/);
        return text;
      };
      const silent = async () => {
        const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid', prompt: 'none', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', state: 's' });
        return (await get(url)).headers.get('location')!;
      };
      // "Stay signed in": the page names the app; the session goes on (a silent request is not
      // login_required) and only the app's grant is gone, so it must be given again.
      expect(await confirm({})).toMatch(/<h1>Signed out of RP [0-9a-f]{6}<\/h1>/);
      expect(await silent()).toContain('error=consent_required');
      // "Sign out": the session is gone.
      expect(await confirm({ logout: 'yes' })).toContain("<h1>You're signed out</h1>");
      expect(await silent()).toContain('error=login_required');
    });

    it('refuses a post_logout_redirect_uri the app did not register, and sends nobody there', async () => {
      const { rp, tokens, jar } = await signedIn('https://logout-app2.example/cb');
      const res = await browserOf(jar)(
        oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example/cb' }),
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('post_logout_redirect_uri');
    });
  });
}
