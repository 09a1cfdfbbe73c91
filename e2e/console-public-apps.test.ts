import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { authorizationRequest, passwordPerson, signInWithPassword } from './support/people.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';

const PASSWORD = 'Correct-Horse-42!';
/**
 * A stand-in for a static site on a loopback port: every path answers `<h1>heading</h1>`, and the
 * URLs asked for are kept. Real servers, not intercepted routes: Chromium treats an intercepted
 * page's address space as unknown and would refuse its calls to the loopback server (Private
 * Network Access), which is not the CORS check under test.
 */
async function staticSite(heading: string): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const http: Server = createServer((req, res) => {
    hits.push(req.url!);
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>${heading}</title><h1>${heading}</h1>`);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, hits, close: () => new Promise<void>((r) => http.close(() => r())) };
}

/**
 * Public clients in the Control Center, in real Chromium against a real server (PGlite), ADR 0014:
 * register a single-page app (platform choice), find it with the name search, see that it is a
 * public client without secrets, sign a person in with openid-client as a public client (auth code
 * + PKCE, no secret), and prove in the browser that the token endpoint answers CORS for the SPA's
 * origin and not for another.
 */
describe('Public client applications in the console (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let app: { id: string; appId: string };
  let person: { id: string; userPrincipalName: string };
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}public-apps-${name}.png`, fullPage: false });
  const table = () => page.getByRole('table', { name: 'Applications' });
  let spa: Awaited<ReturnType<typeof staticSite>>;
  let elsewhere: Awaited<ReturnType<typeof staticSite>>;
  const callback = () => `${spa.origin}/planner/callback`;

  beforeAll(async () => {
    ensureWebBuild();
    spa = await staticSite('Travel planner');
    elsewhere = await staticSite('Elsewhere');
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    browser = await launchChromium();
    page = await openConsolePage(browser, problems, { height: 900, timeout: 20_000, expectedStatus: /status of 400 / });
    person = await passwordPerson(server, { displayName: 'Dorothy Vaughan', userPrincipalName: 'dorothy@latchkey.test', mailNickname: 'dv' }, PASSWORD);
    // Other apps, so the search has something to leave out.
    for (const body of [
      { displayName: 'Payroll', web: { redirectUris: ['https://payroll.example.com/callback'] } },
      { displayName: 'Expense reports', web: { redirectUris: ['https://expenses.example.com/callback'] } },
      { displayName: 'Field inspections', publicClient: { redirectUris: ['com.example.field:/oauth2redirect'] } },
    ])
      expect((await server.api('/api/v1/applications', { body })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await spa?.close();
    await elsewhere?.close();
  });

  it('registers a single-page app with its redirect URI; the panel says it is a public client without secrets', async () => {
    await page.goto(`${server.url}/admin/apps`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    await table().getByRole('link', { name: 'Payroll' }).waitFor();
    await page.getByRole('button', { name: 'Register an application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register an application' });
    await dialog.getByLabel('Display name').fill('Travel planner');
    await dialog.getByRole('radio', { name: /Single-page app/ }).check();
    await dialog.getByRole('button', { name: 'Register' }).click();
    await dialog.getByText('A single-page app needs at least one redirect URI.').waitFor();
    expect((await server.api(`/api/v1/applications?$filter=${encodeURIComponent("displayName eq 'Travel planner'")}`)).body.value).toEqual([]);
    await dialog.getByLabel('Redirect URIs').fill(`${callback()}\n`);
    expect(await dialog.innerText()).toContain('The token endpoint allows these origins (CORS)');
    await shot('register-spa');
    await dialog.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL(/\/admin\/apps\/[0-9a-f-]{36}$/);

    const stored = (await server.api(`/api/v1/applications?$filter=${encodeURIComponent("displayName eq 'Travel planner'")}`)).body.value;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ web: { redirectUris: [] }, spa: { redirectUris: [callback()] }, publicClient: { redirectUris: [] }, passwordCredentials: [] });
    app = stored[0];

    const panel = page.getByRole('dialog', { name: 'Travel planner' });
    await page.getByRole('status').filter({ hasText: 'a public client: it signs in with PKCE and needs no secret' }).waitFor();
    const note = panel.getByTestId('public-client-note');
    expect(await note.innerText()).toMatch(/Public client \(Single-page app\)[\s\S]*PKCE[\s\S]*needs no client secret/);
    expect(await panel.getByTestId('public-client-secrets').innerText()).toContain('Not needed');
    expect(await panel.getByRole('button', { name: 'New client secret' }).count()).toBe(0);
    await panel.getByRole('list', { name: 'Redirect URIs' }).getByText(callback()).waitFor();
    await panel.getByRole('switch', { name: /Enabled — the app can get tokens/ }).waitFor();
    await shot('panel-spa');
    await page.keyboard.press('Escape');
  });

  it('finds the app by part of its name (server-side $search) and says so when nothing matches', async () => {
    const searches: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/applications?')) searches.push(decodeURIComponent(r.url()));
    });
    const box = page.getByRole('searchbox', { name: 'Search applications' });
    await box.fill('PLANNER');
    await table().getByRole('link', { name: 'Travel planner' }).waitFor();
    await expect.poll(async () => table().getByRole('link').allInnerTexts()).toEqual(['Travel planner']);
    expect(searches.some((u) => u.includes('$search="displayName:PLANNER"'))).toBe(true);
    const row = table().getByRole('row', { name: /Travel planner/ });
    expect(await row.innerText()).toMatch(/Single-page app\s*Public[\s\S]*127\.0\.0\.1:\d+\/planner\/callback[\s\S]*not used/);
    await shot('search');

    await box.fill('no such app');
    await page.getByText('No application names contain “no such app”.').waitFor();
    await box.fill('');
    await table().getByRole('link', { name: 'Field inspections' }).waitFor();
    expect(await table().getByRole('row', { name: /Field inspections/ }).innerText()).toMatch(/Mobile and desktop\s*Public/);
  });

  it('a person signs in to the SPA with openid-client as a public client (auth code + PKCE, no secret)', async () => {
    const config = await oidc.discovery(new URL(server.config.issuer), app.appId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const authorize = await authorizationRequest(config, callback(), person.userPrincipalName);
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const user = await context.newPage();
      user.setDefaultTimeout(20_000);
      user.on('pageerror', (e) => problems.push(`user pageerror: ${e.message}`));
      await user.goto(authorize.url.href);
      await signInWithPassword(user, PASSWORD);
      await user.getByRole('heading', { name: 'Travel planner' }).waitFor();
      const landed = spa.hits.filter((h) => h.startsWith('/planner/callback?'));
      expect(landed).toHaveLength(1);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(landed[0]!, spa.origin), authorize.check);
      expect(tokens.id_token).toBeTruthy();
      expect(tokens.claims()).toMatchObject({ sub: person.id, aud: app.appId });

      // In the browser: the SPA's page may read the token endpoint's answer (CORS); another origin's page may not.
      const tokenUrl = `${server.url}/oidc/token`;
      const fromPage = (p: Page) =>
        p.evaluate(
          async ({ url, clientId }) => {
            try {
              const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'spent', redirect_uri: 'x', client_id: clientId, code_verifier: 'v'.repeat(43) }) });
              return `${res.status} ${((await res.json()) as { error: string }).error}`;
            } catch (e) {
              return `blocked: ${(e as Error).name}`;
            }
          },
          { url: tokenUrl, clientId: app.appId },
        );
      expect(await fromPage(user)).toBe('400 invalid_grant');
      const other = await context.newPage();
      other.on('console', () => undefined);
      await other.goto(`${elsewhere.origin}/`);
      expect(await fromPage(other)).toBe('blocked: TypeError');
    } finally {
      await context.close();
    }
  });

  it("moves the app between platforms in the panel: to mobile and desktop (still public), then to web (confidential, secrets offered)", async () => {
    await page.getByRole('searchbox', { name: 'Search applications' }).fill('');
    await table().getByRole('link', { name: 'Travel planner' }).click();
    const panel = page.getByRole('dialog', { name: 'Travel planner' });
    await panel.getByRole('button', { name: 'Edit' }).click();
    const form = panel.getByRole('form', { name: 'Edit redirect URIs' });
    await form.getByLabel('Platform').selectOption({ label: 'Mobile and desktop app' });
    expect(await form.innerText()).toContain('Saving moves the redirect URIs from Single-page app to Mobile and desktop app');
    await form.getByLabel('Redirect URIs, one per line').fill('com.example.planner:/oauth2redirect\nhttp://127.0.0.1/callback');
    await shot('edit-platform');
    await form.getByRole('button', { name: 'Save redirect URIs' }).click();
    await form.waitFor({ state: 'detached' });
    await panel.getByRole('list', { name: 'Redirect URIs' }).getByText('com.example.planner:/oauth2redirect').waitFor();
    expect(await panel.getByTestId('public-client-note').innerText()).toContain('Public client (Mobile and desktop app)');
    expect((await server.api(`/api/v1/applications/${app.id}`)).body).toMatchObject({
      spa: { redirectUris: [] },
      publicClient: { redirectUris: ['com.example.planner:/oauth2redirect', 'http://127.0.0.1/callback'] },
    });

    await panel.getByRole('button', { name: 'Edit' }).click();
    await form.getByLabel('Platform').selectOption({ label: 'Web application' });
    expect(await form.innerText()).toContain('the app becomes confidential and needs a client secret');
    await form.getByLabel('Redirect URIs, one per line').fill('https://planner.example.com/callback');
    await form.getByRole('button', { name: 'Save redirect URIs' }).click();
    await form.waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: 'New client secret' }).waitFor();
    expect(await panel.getByTestId('public-client-note').count()).toBe(0);
    expect((await server.api(`/api/v1/applications/${app.id}`)).body).toMatchObject({
      web: { redirectUris: ['https://planner.example.com/callback'] },
      publicClient: { redirectUris: [] },
      isFallbackPublicClient: false,
    });
    await shot('panel-web');
  });

  it('the console reported no errors', () => {
    expect(problems).toEqual([]);
  });
});
