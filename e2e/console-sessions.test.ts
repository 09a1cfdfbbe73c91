import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { passwordPerson, signInWithPassword } from './support/people.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';

const PASSWORD = 'Correct-Horse-42!';

/** A static page on a loopback port standing in for an app's redirect URI; keeps the URLs asked for. */
async function staticSite(heading: string): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const http: Server = createServer((req, res) => {
    hits.push(req.url!);
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>${heading}</title><h1>${heading}</h1>`);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => http.close(() => r())),
  };
}

/**
 * Sessions and refresh tokens in the console, in real Chromium against a real server (PGlite),
 * ADR 0017: a person signs in to a single-page app with offline_access and gets a refresh token;
 * an administrator revokes the person's sessions from the user panel (with a confirm) and the
 * refresh is refused; the application panel's platform editor sets `isFallbackPublicClient`; in
 * My Security Info the person signs out everywhere.
 */
describe('Revoke sessions, Sign out everywhere and the fallback public client toggle (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let site: Awaited<ReturnType<typeof staticSite>>;
  let person: { id: string; userPrincipalName: string };
  let app: { id: string; appId: string };
  const problems: string[] = [];
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SCREENSHOTS}sessions-${name}.png`, fullPage: false });
  const callback = () => `${site.origin}/notes/callback`;
  const userOf = async () =>
    (await server.api(`/api/v1/users/${person.id}?$select=signInSessionsValidFromDateTime`)).body as {
      signInSessionsValidFromDateTime: string | null;
    };

  beforeAll(async () => {
    ensureWebBuild();
    site = await staticSite('Team notes');
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    browser = await launchChromium();
    page = await openConsolePage(browser, problems, { height: 900, timeout: 20_000, expectedStatus: /status of 400 / });
    person = await passwordPerson(
      server,
      { displayName: 'Katherine Johnson', userPrincipalName: 'katherine@latchkey.test', mailNickname: 'kj' },
      PASSWORD,
    );
    const created = await server.api('/api/v1/applications', { body: { displayName: 'Team notes', spa: { redirectUris: [callback()] } } });
    expect(created.status).toBe(201);
    app = created.body;
    expect((await server.api('/api/v1/servicePrincipals', { body: { appId: app.appId } })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.close();
  });

  /** The person signs in to Team notes in their own browser with offline_access; the app redeems the code. */
  async function personSignsIn(config: oidc.Configuration) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callback(),
      scope: 'openid profile offline_access',
      prompt: 'consent',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      login_hint: person.userPrincipalName,
    });
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const user = await context.newPage();
      user.setDefaultTimeout(20_000);
      user.on('pageerror', (e) => problems.push(`user pageerror: ${e.message}`));
      const before = site.hits.length;
      await user.goto(url.href);
      await signInWithPassword(user, PASSWORD);
      await user.getByRole('heading', { name: 'Team notes' }).waitFor();
      const landed = site.hits.slice(before).find((h) => h.startsWith('/notes/callback?'))!;
      return await oidc.authorizationCodeGrant(config, new URL(landed, site.origin), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
    } finally {
      await context.close();
    }
  }

  it("an administrator revokes the person's sessions in the user panel; the app's refresh is refused", async () => {
    const config = await oidc.discovery(new URL(server.config.issuer), app.appId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await personSignsIn(config);
    expect(tokens.refresh_token).toBeTruthy();
    const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(rotated.refresh_token).toBeTruthy();

    await page.goto(`${server.url}/admin/users`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Katherine Johnson' }).click();
    const panel = page.getByRole('dialog', { name: 'Katherine Johnson' });
    await panel.getByText('Sessions have never been revoked.').waitFor();
    await panel.getByRole('button', { name: 'Revoke sessions…' }).click();
    await panel.getByText(/^Sign Katherine Johnson out of every app and browser\?$/).waitFor();
    await panel.getByRole('button', { name: 'Revoke sessions…' }).waitFor({ state: 'detached' });
    await panel.getByText('Sessions have never been revoked.').scrollIntoViewIfNeeded();
    await shot(page, 'revoke-confirm');
    expect((await userOf()).signInSessionsValidFromDateTime).toBeNull(); // nothing happens before the confirm
    await panel.getByRole('button', { name: 'Revoke sessions', exact: true }).click();
    await panel.getByRole('status').filter({ hasText: 'Sessions revoked. Katherine Johnson must sign in again.' }).waitFor();
    await panel.getByText(/Sessions last revoked/).waitFor();
    await shot(page, 'revoked');

    expect(Date.parse((await userOf()).signInSessionsValidFromDateTime!)).toBeGreaterThan(Date.now() - 120_000);
    await expect(oidc.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('revoked'),
    });
    await page.keyboard.press('Escape');
  });

  it('the platform editor sets isFallbackPublicClient for a public app and explains it; a web app cannot have it', async () => {
    await page.goto(`${server.url}/admin/apps/${app.id}`);
    const panel = page.getByRole('dialog', { name: 'Team notes' });
    await panel.getByRole('button', { name: 'Edit' }).click();
    const form = panel.getByRole('form', { name: 'Edit redirect URIs' });
    const toggle = form.getByLabel(/Allow public client flows/);
    expect(await toggle.isChecked()).toBe(false);
    expect(await form.innerText()).toContain('it never holds a client secret, cannot use client credentials and signs people in with PKCE');
    await toggle.check();
    await shot(page, 'fallback-toggle');
    await form.getByRole('button', { name: 'Save redirect URIs' }).click();
    await form.waitFor({ state: 'detached' });
    await panel.getByTestId('fallback-public-client').waitFor();
    expect((await server.api(`/api/v1/applications/${app.id}`)).body).toMatchObject({
      isFallbackPublicClient: true,
      spa: { redirectUris: [callback()] },
    });

    await panel.getByRole('button', { name: 'Edit' }).click();
    await form.getByLabel('Platform').selectOption({ label: 'Web application' });
    expect(await form.getByLabel(/Allow public client flows/).isDisabled()).toBe(true);
    expect(await form.innerText()).toContain('A web app is confidential');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await page.keyboard.press('Escape');
  });

  it('in My Security Info the person signs out everywhere: the sessions are revoked, then the page signs out', async () => {
    const before = (await userOf()).signInSessionsValidFromDateTime!;
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const my = await context.newPage();
      my.setDefaultTimeout(20_000);
      my.on('pageerror', (e) => problems.push(`my pageerror: ${e.message}`));
      await my.goto(`${server.config.issuer}/my`);
      await my.getByRole('button', { name: 'Sign in' }).click();
      await my.getByLabel('Username').fill(person.userPrincipalName);
      await my.getByRole('button', { name: 'Next' }).click();
      await signInWithPassword(my, PASSWORD);
      await my.getByRole('heading', { name: 'Security info' }).waitFor();
      await my.getByRole('button', { name: 'Sign out everywhere…' }).click();
      await my.getByText('Sign out of every app and browser?').waitFor();
      await my.getByRole('region', { name: 'Sessions' }).scrollIntoViewIfNeeded();
      await shot(my, 'my-confirm');
      await my.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
      await my.waitForURL(/\/oidc\/logout/);
      await expect.poll(async () => (await userOf()).signInSessionsValidFromDateTime).not.toBe(before);
      const audit = await server.runtime.store.db
        .selectFrom('audit_log')
        .select(['initiated_by', 'target_resources'])
        .where('activity_display_name', '=', 'Invalidate all refresh tokens for user')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(audit.initiated_by)).toContain(person.id);
    } finally {
      await context.close();
    }
  });

  it('the console reported no errors', () => {
    expect(problems).toEqual([]);
  });
});
