import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, SCREENSHOTS, WEB_DIST } from './support/browser.ts';

const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

/**
 * My Security Info and the Control Center as first-party OIDC clients, in Chromium with a
 * virtual authenticator: the 5-minute strong sign-in rule sends the person to sign in again
 * (prompt=login) and the add resumes; delete; the console signs in with the passkey and its
 * user token (wids + scp, ADR 0007) reads the admin API.
 */
describe('My Security Info re-authentication and Control Center OIDC sign-in in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let adminUpn: string;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}my-${name}.png` });

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    expect(
      (await server.api('/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2', {
        method: 'PATCH',
        body: { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false },
      })).status,
    ).toBeLessThan(300);
    // A second Global Administrator (an administrator may not set their own password).
    const ops = (await server.api('/api/v1/users', { body: { displayName: 'Ops Admin', userPrincipalName: 'ops@latchkey.test', accountEnabled: true, mailNickname: 'ops' } })).body;
    adminUpn = ops.userPrincipalName;
    expect((await server.api('/api/v1/roleManagement/directory/roleAssignments', { body: { roleDefinitionId: GLOBAL_ADMINISTRATOR, principalId: ops.id, directoryScopeId: '/' } })).status).toBe(201);
    expect((await server.api(`/api/v1/users/${ops.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`, { body: { newPassword: 'Admin-Password-42!' } })).status).toBe(202);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 500 || (r.status() === 404 && !r.url().endsWith('/favicon.ico'))) problems.push(`${r.status()}: ${r.url()}`);
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('adds a first passkey after a password sign-in', async () => {
    await page.goto(`${server.config.issuer}/my`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(adminUpn);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Use my password instead' }).click();
    await page.getByLabel('Password').fill('Admin-Password-42!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Add a passkey' }).click().catch(async (e: unknown) => {
      await shot('debug-first');
      throw e;
    });
    await page.getByRole('list', { name: 'Sign-in methods' }).getByText('Device-bound passkey').waitFor();
  });

  it('a second passkey needs a fresh passkey sign-in: "Sign in again" (prompt=login), then the add resumes', async () => {
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'sign in again' }).waitFor();
    await shot('reauth');
    await page.getByRole('button', { name: 'Sign in again' }).click();
    // prompt=login: the sign-in page again; the passkey autofill (virtual authenticator) signs in usernameless,
    // and My Security Info resumes the add. This authenticator already holds the account's passkey
    // (excludeCredentials), so the browser refuses and the page says so in plain words.
    await page.getByRole('alert').filter({ hasText: 'This device already has a passkey for your account' }).waitFor();
    expect(await page.getByRole('list', { name: 'Sign-in methods' }).getByText(/last used \d/).count()).toBe(1);
  });

  it('signs in to the Control Center with the passkey; its user token reads the admin API', async () => {
    await page.context().clearCookies();
    await page.goto(`${server.config.issuer}/admin`);
    await page.getByRole('button', { name: 'Continue with a passkey' }).click();
    await page.getByRole('table', { name: 'Users' }).getByRole('row', { name: new RegExp(adminUpn.replace('.', '\\.')) }).waitFor();
    expect(new URL(page.url()).pathname.startsWith('/admin')).toBe(true);
    expect(await page.getByTestId('identity').innerText()).toContain('Ops Admin');
    await shot('console');
  });

  it('deletes the passkey in My Security Info (the fresh passkey sign-in still counts)', async () => {
    await page.goto(`${server.config.issuer}/my`);
    const list = page.getByRole('list', { name: 'Sign-in methods' });
    await list.getByRole('button', { name: /^Delete / }).first().click();
    await expect.poll(() => list.getByText('Device-bound passkey').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
