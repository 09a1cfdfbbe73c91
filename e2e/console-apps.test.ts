import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { authorizationRequest, passwordPerson, signInWithPassword } from './support/people.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';

const PASSWORD = 'Correct-Horse-42!';
/** The app's callback; the browser's request to it is intercepted (nothing listens there). */
const CALLBACK = 'http://localhost:3000/callback';

/**
 * The Applications section of the Control Center in real Chromium against a real server (PGlite):
 * register an app (with its service principal), add a client secret that is shown once and then
 * only by its hint, prove the secret works at the token endpoint (client credentials), the API's
 * redirect URI validation message, edit redirect URIs, disable the app, delete the secret and the app.
 */
describe('Applications console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let app: { id: string; appId: string };
  let secret: string;
  let person: { id: string; userPrincipalName: string };
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}apps-${name}.png`, fullPage: false });
  /** POST /oidc/token with client credentials (client_secret_basic). */
  const clientCredentials = async (clientId: string, clientSecret: string) => {
    const res = await fetch(`${server.url}/oidc/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
  };
  const panel = () => page.getByRole('dialog', { name: 'Payroll' });

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    browser = await launchChromium();
    // The 400 (bad redirect URI) is provoked on purpose.
    page = await openConsolePage(browser, problems, { height: 900, timeout: 20_000, expectedStatus: /status of 400 / });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    // A person who signs in to the app with a password (authorization code test).
    person = await passwordPerson(server, { displayName: 'Katherine Johnson', userPrincipalName: 'katherine@latchkey.test', mailNickname: 'kj' }, PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers an application with a redirect URI; the panel shows its client id as what Conditional Access targets', async () => {
    await page.goto(`${server.url}/admin/signin?next=${encodeURIComponent('/admin/apps')}`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    await page.getByText('No applications yet.').waitFor();
    await page.getByRole('button', { name: 'Register an application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register an application' });
    await dialog.getByLabel('Display name').fill('Payroll');
    await dialog.getByLabel('Redirect URIs').fill('https://payroll.example.com/callback\n');
    await shot('register');
    await dialog.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL(/\/admin\/apps\/[0-9a-f-]{36}$/);
    const stored = (await server.api('/api/v1/applications')).body.value;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ displayName: 'Payroll', web: { redirectUris: ['https://payroll.example.com/callback'] } });
    app = stored[0];
    expect(page.url()).toMatch(new RegExp(`/admin/apps/${app.id}$`));
    const sp = (await server.api(`/api/v1/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${app.appId}'`)}`)).body.value;
    expect(sp).toHaveLength(1);
    expect(sp[0].accountEnabled).toBe(true);
    const clientId = panel().getByTestId('app-client-id');
    expect(await clientId.innerText()).toContain(app.appId);
    expect(await clientId.innerText()).toContain('Conditional Access');
    await panel()
      .getByRole('switch', { name: /Enabled — the app can get tokens/ })
      .waitFor();
    await shot('panel');
    await page.keyboard.press('Escape');
    const row = page.getByRole('table', { name: 'Applications' }).getByRole('row', { name: /Payroll/ });
    expect(await row.innerText()).toContain(app.appId);
    expect(await row.innerText()).toContain('https://payroll.example.com/callback');
    await shot('list');
  });

  it('adds a client secret shown once with Copy; after a reload only its hint is left', async () => {
    await page.getByRole('table', { name: 'Applications' }).getByRole('link', { name: 'Payroll' }).click();
    await panel().getByRole('button', { name: 'New client secret' }).click();
    const form = panel().getByRole('form', { name: 'New client secret' });
    await form.getByLabel('Description').fill('ci');
    await form.getByRole('button', { name: 'Add secret' }).click();
    const once = panel().getByRole('status', { name: 'New client secret' });
    await once.waitFor();
    expect(await once.innerText()).toContain("you won't see it again");
    secret = await once.getByTestId('one-time-secret').inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await once.getByRole('button', { name: 'Copy' }).click();
    await once.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await shot('secret-once');

    const hint = secret.slice(0, 3);
    const creds = (await server.api(`/api/v1/applications/${app.id}`)).body.passwordCredentials;
    expect(creds).toEqual([expect.objectContaining({ displayName: 'ci', hint, secretText: null })]);

    await page.reload();
    const table = panel().getByRole('table', { name: 'Client secrets' });
    await table.waitFor();
    expect(await table.innerText()).toContain(`${hint}…`);
    expect(await table.innerText()).toContain('ci');
    expect(await panel().getByTestId('one-time-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await shot('secret-hint');
  });

  it('the secret works at the token endpoint (client credentials); a wrong one does not', async () => {
    const ok = await clientCredentials(app.appId, secret);
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.access_token!)).toMatchObject({ azp: app.appId, appid: app.appId, idtyp: 'app' });
    const wrong = await clientCredentials(app.appId, `${secret}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it("edits redirect URIs: the API's message for a bad one, nothing saved; then two good ones are saved", async () => {
    const section = panel();
    await section.getByRole('button', { name: 'Edit' }).click();
    const form = section.getByRole('form', { name: 'Edit redirect URIs' });
    await form.getByLabel('Redirect URIs, one per line').fill('https://payroll.example.com/callback\nhttp://payroll.example.com/insecure');
    await form.getByRole('button', { name: 'Save redirect URIs' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(
      /Invalid redirect URI http:\/\/payroll\.example\.com\/insecure: it must be an absolute https URL[\s\S]*HTTP 400/,
    );
    await shot('redirect-error');
    expect((await server.api(`/api/v1/applications/${app.id}`)).body.web.redirectUris).toEqual(['https://payroll.example.com/callback']);

    await form.getByLabel('Redirect URIs, one per line').fill('https://payroll.example.com/callback\nhttp://localhost:3000/callback');
    await form.getByRole('button', { name: 'Save redirect URIs' }).click();
    await form.waitFor({ state: 'detached' });
    const list = section.getByRole('list', { name: 'Redirect URIs' });
    await list.getByText('http://localhost:3000/callback').waitFor();
    expect((await server.api(`/api/v1/applications/${app.id}`)).body.web.redirectUris).toEqual([
      'https://payroll.example.com/callback',
      'http://localhost:3000/callback',
    ]);
    expect((await server.api(`/api/v1/applications/${app.id}`)).body.web.implicitGrantSettings.enableIdTokenIssuance).toBe(false);

    // Entra's "ID tokens (used for implicit and hybrid flows)", for an OWIN app: refused while a redirect URI is
    // http://localhost (the ID token would travel to it in the browser), nothing saved; the app keeps working.
    await section.getByRole('button', { name: 'Edit' }).click();
    const again = section.getByRole('form', { name: 'Edit redirect URIs' });
    await again.getByLabel('ID tokens (used for implicit and hybrid flows)').check();
    await again.getByRole('button', { name: 'Save redirect URIs' }).click();
    const refused = again.getByRole('alert');
    await refused.waitFor();
    expect(await refused.innerText()).toMatch(/needs https redirect URIs that are not localhost[\s\S]*http:\/\/localhost:3000\/callback/);
    await shot('id-tokens-refused');
    expect((await server.api(`/api/v1/applications/${app.id}`)).body.web.implicitGrantSettings.enableIdTokenIssuance).toBe(false);
    await again.getByRole('button', { name: 'Cancel' }).click();
    expect(await section.getByTestId('id-token-issuance').count()).toBe(0);

    // The groups claim, saved as soon as it is chosen.
    await section.getByLabel("Groups in the app's tokens").selectOption({ label: 'Security groups' });
    await expect.poll(async () => (await server.api(`/api/v1/applications/${app.id}`)).body.groupMembershipClaims).toBe('SecurityGroup');
    await shot('group-claims');
  });

  it('the edited redirect URI and the secret complete an authorization-code sign-in (openid-client, PKCE), connected with what the panel shows', async () => {
    // The administrator copies the metadata document URL from the panel's "Connect the app".
    await page.goto(`${server.url}/admin/apps/${app.id}`);
    const endpoints = panel().getByTestId('app-endpoints');
    await endpoints.getByText('OpenID Connect metadata document').waitFor();
    await endpoints.scrollIntoViewIfNeeded();
    await shot('endpoints');
    const shown = async (label: string) => (await endpoints.locator('.field', { hasText: label }).locator('dd').innerText()).trim();
    const metadataUrl = await shown('OpenID Connect metadata document');
    expect(metadataUrl).toBe(`${server.config.issuer}/.well-known/openid-configuration`);
    expect(await shown('Scopes')).toBe('openid profile email');
    const config = await oidc.discovery(new URL(metadataUrl), app.appId, undefined, oidc.ClientSecretBasic(secret), {
      execute: [oidc.allowInsecureRequests],
    });
    expect(await shown('Token endpoint')).toBe(config.serverMetadata().token_endpoint);
    expect(await shown('Authorization endpoint')).toBe(config.serverMetadata().authorization_endpoint);
    expect(await shown('Logout endpoint')).toBe(config.serverMetadata().end_session_endpoint);
    const authorize = await authorizationRequest(config, CALLBACK, person.userPrincipalName);
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      let callback: string | undefined;
      await context.route(`${CALLBACK}**`, (route) => {
        callback = route.request().url();
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Payroll</h1>' });
      });
      const user = await context.newPage();
      user.setDefaultTimeout(20_000);
      user.on('pageerror', (e) => problems.push(`user pageerror: ${e.message}`));
      await user.goto(authorize.url.href);
      await signInWithPassword(user, PASSWORD);
      await user.getByRole('heading', { name: 'Payroll' }).waitFor();
      expect(callback).toBeDefined();
      const tokens = await oidc.authorizationCodeGrant(config, new URL(callback!), authorize.check);
      expect(tokens.claims()).toMatchObject({ sub: person.id, aud: app.appId });
    } finally {
      await context.close();
    }
  });

  it('disabling the app stops its tokens; enabling it again restores them', async () => {
    await panel().getByRole('switch').click();
    await panel()
      .getByRole('switch', { name: /Disabled — the app gets no tokens/ })
      .waitFor();
    await panel().locator('[role=switch]:not([disabled])').waitFor();
    expect((await clientCredentials(app.appId, secret)).status).toBe(401);
    await panel().getByRole('switch').click();
    await panel()
      .getByRole('switch', { name: /Enabled — the app can get tokens/ })
      .waitFor();
    await panel().locator('[role=switch]:not([disabled])').waitFor();
    expect((await clientCredentials(app.appId, secret)).status).toBe(200);
  });

  it('deletes the secret after a confirmation; it stops working', async () => {
    const table = panel().getByRole('table', { name: 'Client secrets' });
    await table.getByRole('button', { name: /^Delete secret / }).click();
    await table.getByRole('button', { name: 'Delete secret' }).click();
    await panel().getByText('No client secrets.').waitFor();
    expect((await server.api(`/api/v1/applications/${app.id}`)).body.passwordCredentials).toEqual([]);
    expect((await clientCredentials(app.appId, secret)).status).toBe(401);
  });

  it('deletes the application after a confirmation', async () => {
    await panel().getByRole('button', { name: 'Delete application…' }).click();
    expect(await panel().locator('.danger-zone').innerText()).toContain('Delete Payroll?');
    await shot('delete-confirm');
    await panel().getByRole('button', { name: 'Delete application', exact: true }).click();
    await panel().waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Deleted Payroll.' }).waitFor();
    await page.getByText('No applications yet.').waitFor();
    expect((await server.api(`/api/v1/applications/${app.id}`)).status).toBe(404);
    expect(problems).toEqual([]);
  });
});
