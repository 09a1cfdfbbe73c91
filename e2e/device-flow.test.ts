import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, SCREENSHOTS, WEB_DIST } from './support/browser.ts';
import { passwordPerson, signInWithPassword } from './support/people.ts';

const PASSWORD = 'Correct-Horse-42!';

/**
 * The device code flow in Chromium (RFC 8628, ADR 0019): a command-line app (openid-client as the
 * device) shows a code; a person types it on Latchkey's page, confirms the app, signs in on the
 * ordinary sign-in page, and the app's poll gets the tokens. The pages must run under Latchkey's
 * CSP without a single console error.
 */
describe('device code flow in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let app: { appId: string; displayName: string; config: oidc.Configuration };
  let user: { id: string; userPrincipalName: string };
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}device-${name}.png` });

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    user = await passwordPerson(
      server,
      { displayName: 'Ada Lovelace', userPrincipalName: 'ada@latchkey.test', mailNickname: 'ada' },
      PASSWORD,
    );
    const created = await server.api('/api/v1/applications', { body: { displayName: 'Contoso CLI', isFallbackPublicClient: true } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await server.api('/api/v1/servicePrincipals', { body: { appId: created.body.appId } })).status).toBe(201);
    const config = await oidc.discovery(new URL(server.config.issuer), created.body.appId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    app = { appId: created.body.appId, displayName: created.body.displayName, config };
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 900, height: 700 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // Console errors (a CSP violation above all) are problems; failed loads are judged by URL below.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()}: ${new URL(r.url()).pathname}`);
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a person types the code, confirms "Contoso CLI", signs in with the password; the app gets its tokens', async () => {
    const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid profile offline_access' });
    await page.goto(da.verification_uri);
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    await page.getByLabel('Code').fill(da.user_code.toLowerCase());
    await shot('enter-code');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Are you trying to sign in to Contoso CLI?' }).waitFor();
    expect(await page.locator('.code').innerText()).toBe(da.user_code);
    await shot('confirm');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByLabel('Username').fill(user.userPrincipalName);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    await signInWithPassword(page, PASSWORD);
    await page.getByRole('heading', { name: "You're signed in" }).waitFor();
    expect(await page.locator('main').innerText()).toContain('You have signed in to Contoso CLI on your device.');
    await shot('signed-in');

    const tokens = await oidc.pollDeviceAuthorizationGrant(app.config, { ...da, interval: 0 });
    expect(tokens.claims()).toMatchObject({ sub: user.id, aud: app.appId, amr: ['pwd'] });
    expect(tokens.refresh_token).toBeTruthy();
    expect(problems).toEqual([]);
  });

  it('the Control Center marks that sign-in as a device code sign-in, with what to do if nobody started it', async () => {
    await page.goto(`${server.url}/admin/signins`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Control Center' }).getByRole('link', { name: 'Sign-in logs' }).click();
    await page.getByRole('heading', { name: 'Sign-in logs', level: 1 }).waitFor();
    // A code phishing investigation starts from the device code sign-ins of everyone.
    await page.getByLabel('Flow').selectOption({ label: 'Device code' });
    const rows = page.getByRole('table', { name: 'Sign-ins' }).getByRole('row').filter({ hasText: user.userPrincipalName });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    await page.getByLabel('User').fill(user.userPrincipalName);
    await rows.first().waitFor();
    await rows.first().click();
    const line = page.getByTestId('signin-log-device-code');
    await line.waitFor();
    expect(await line.innerText()).toContain('Device code sign-in: this approved a code typed on another device.');
    expect(await line.innerText()).toContain('revoke their sessions');
    await shot('signin-log');
    expect(problems).toEqual([]);
  });

  it('a wrong code says so on the page; Cancel on the confirm page tells the app access_denied', async () => {
    const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid' });
    await page.goto(da.verification_uri);
    await page.getByLabel('Code').fill('BCDF-GHJK');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('alert').filter({ hasText: 'That code is not valid' }).waitFor();
    await shot('wrong-code');
    await page.getByLabel('Code').fill(da.user_code);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sign-in cancelled' }).waitFor();
    await expect(oidc.pollDeviceAuthorizationGrant(app.config, { ...da, interval: 0 })).rejects.toMatchObject({ error: 'access_denied' });
    // The wrong code's page is a 400 on purpose; nothing else.
    expect(problems).toEqual(['400: /oidc/device']);
  });
});
