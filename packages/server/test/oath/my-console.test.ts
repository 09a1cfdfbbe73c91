import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ensureWebBuild, launchChromium, WEB_DIST } from '../../../../e2e/support/browser.ts';
import { newSecret, otpauthCode } from './support.ts';

const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

/**
 * My Security Info in real Chromium after a real password sign-in (PGlite): add an authenticator
 * app (QR code, key, confirm with a code computed by otpauth from the key shown), then — now that
 * the user has an MFA method — activating a hardware token asks for a fresh, stronger sign-in.
 */
describe('My Security Info: OATH in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let user: { id: string; userPrincipalName: string };
  const problems: string[] = [];
  const tokenSecret = newSecret();

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    user = (
      await server.api('/api/v1/users', {
        body: { displayName: 'Ada Token', userPrincipalName: 'adatoken@latchkey.test', accountEnabled: true, mailNickname: 'adatoken' },
      })
    ).body;
    expect(
      (
        await server.api(`/api/v1/users/${user.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`, {
          body: { newPassword: 'Correct-Horse-42!' },
        })
      ).status,
    ).toBe(202);
    const d = await server.api('/api/v1/directory/authenticationMethodDevices/hardwareOathDevices', {
      body: { serialNumber: 'MY-TOKEN-1', secretKey: tokenSecret, manufacturer: 'Token2', model: 'C202', assignTo: { id: user.id } },
    });
    expect(d.status).toBe(201);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' })).newPage();
    page.setDefaultTimeout(30_000); // the machine is shared; sign-in through OIDC can be slow under load
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (400|403|404) /.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('adds and confirms an authenticator app; a token activation then needs a stronger sign-in', async () => {
    await page.goto(`${server.config.issuer}/my`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(user.userPrincipalName);
    await page.getByRole('button', { name: 'Next' }).click();
    const usePassword = page.getByRole('button', { name: 'Use my password instead' });
    // Whichever page comes first; the other wait is abandoned (caught so it cannot surface later).
    const quiet = (p: Promise<void>) => p.catch(() => undefined);
    await Promise.race([quiet(usePassword.waitFor()), quiet(page.getByLabel('Password').waitFor())]);
    if (await usePassword.isVisible()) await usePassword.click();
    await page.getByLabel('Password').fill('Correct-Horse-42!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();

    const oath = page.getByRole('list', { name: 'Authenticator apps and tokens' });
    await oath.getByText('Hardware token MY-TOKEN-1').waitFor();
    await page.getByRole('button', { name: 'Add an authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const key = (await page.getByTestId('oath-secret').innerText()).replace(/\s+/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Code from the app').fill(otpauthCode(key, Date.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Your authenticator app is ready.').waitFor();
    expect(await oath.innerText()).toMatch(/Authenticator app/);
    const apps = await server.api(`/api/v1/users/${user.id}/authentication/softwareOathMethods`);
    expect(apps.body.value).toEqual([expect.objectContaining({ status: 'activated', secretKey: null })]);

    await page.getByLabel('Serial number (on the back of the token)').fill('MY-TOKEN-1');
    await page.getByLabel('Code the token shows now').fill(otpauthCode(tokenSecret, Date.now()));
    await page.getByRole('button', { name: 'Activate token' }).click();
    await page.getByText('sign in again before changing your sign-in methods', { exact: false }).last().waitFor();
    expect((await server.api('/api/v1/directory/authenticationMethodDevices/hardwareOathDevices')).body.value[0].status).toBe('assigned');
    expect(problems).toEqual([]);
  }, 90_000);
});
