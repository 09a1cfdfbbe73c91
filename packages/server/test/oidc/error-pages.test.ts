import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { errorExplanation, renderError } from '../../src/oidc/error-pages.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { registerApp } from '../signin/support.ts';

const HTML = { accept: 'text/html,application/xhtml+xml' };

/** The page a browser sees when the provider cannot send its error back to the app (oidc/error-pages.ts). */
describe('authorization error pages (the page)', () => {
  it('names the problem and who can fix it, by error', () => {
    expect(errorExplanation({ error: 'invalid_client', error_description: 'client is invalid' }).title).toBe('This app is not known here');
    expect(errorExplanation({ error: 'invalid_redirect_uri', error_description: "redirect_uri did not match any of the client's registered redirect_uris" }).title).toBe(
      'This app’s address is not registered',
    );
    expect(errorExplanation({ error: 'invalid_request', error_description: 'authorization request has expired' }).title).toBe('This sign-in has ended');
    expect(errorExplanation({ error: 'server_error' }).title).toMatch(/could not be answered/);
  });

  it('escapes what it shows', async () => {
    const ctx: { type?: string; body?: unknown } = {};
    await renderError(ctx, { error: 'invalid_request', error_description: '<script>alert(1)</script>' });
    expect(ctx.type).toBe('html');
    expect(String(ctx.body)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(String(ctx.body)).not.toContain('<script>');
  });
});

for (const kind of STORE_KINDS) {
  describe(`authorization error pages over HTTP [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    const authorize = (params: Record<string, string>, headers: Record<string, string>) =>
      fetch(new URL(`/oidc/authorize?${new URLSearchParams({ response_type: 'code', scope: 'openid', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256', ...params })}`, server.config.issuer), {
        redirect: 'manual',
        headers,
      });

    it('an unknown app: the page (the authorization endpoint is the browser\'s); another endpoint gives the same error as JSON to a non-browser', async () => {
      const page = await authorize({ client_id: crypto.randomUUID(), redirect_uri: 'https://x.example/cb' }, HTML);
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('<h1>This app is not known here</h1>');
      expect(html).toContain('invalid_client');
      expect(html).not.toMatch(/@import|<link|<script/);
      const logout = (accept: string) =>
        fetch(new URL(`/oidc/logout?${new URLSearchParams({ client_id: crypto.randomUUID() })}`, server.config.issuer), { redirect: 'manual', headers: { accept } });
      const json = await logout('application/json');
      expect(json.status).toBe(400);
      expect(((await json.json()) as { error: string }).error).toBe('invalid_client');
      const browserPage = await logout(HTML.accept);
      expect(await browserPage.text()).toContain('<h1>This app is not known here</h1>');
    });

    it('a redirect URI the app did not register, and a sign-in that has ended', async () => {
      const rp = await registerApp(server, 'https://registered.example/cb');
      const wrong = await authorize({ client_id: rp.appId, redirect_uri: 'https://attacker.example/cb' }, HTML);
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain('<h1>This app’s address is not registered</h1>');
      expect(oidc.buildAuthorizationUrl(rp.config, {}).pathname).toBe('/oidc/authorize');
      const ended = await fetch(new URL('/oidc/authorize/not-a-live-interaction', server.config.issuer), { redirect: 'manual', headers: HTML });
      expect(ended.status).toBe(400);
      expect(await ended.text()).toContain('<h1>This sign-in has ended</h1>');
    });
  });
}
