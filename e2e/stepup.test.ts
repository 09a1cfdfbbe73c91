import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { caPolicy, MFA, PASSWORD, userWithToken } from '../packages/server/test/signin/enforcement-support.ts';
import { ensureWebBuild, launchChromium, SCREENSHOTS, WEB_DIST } from './support/browser.ts';
import { startRelyingParty, type RelyingParty } from './support/relying-party.ts';

/**
 * Issue 4 item 4 / issue 5 in Chromium: an app whose Conditional Access policy needs MFA; the
 * user signs in with a password on the real sign-in page, is told why a second step is needed,
 * types the code of their hardware token (computed by otpauth) and reaches the app with the MFA acr.
 */
describe('step-up in Chromium: password, then the hardware token code the policy requires', { timeout: 120_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let rp: RelyingParty;
  const problems: string[] = [];
  let upn = '';

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    rp = await startRelyingParty(server, 'Payroll', 'the payroll app');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await server?.close();
  });

  it('password → "Verify your identity" with the reason → code → the app, acr = MFA, amr pwd+otp+mfa', async () => {
    const user = await userWithToken(server);
    upn = user.upn;
    await caPolicy(server, { name: 'Payroll needs MFA', userId: user.id, appId: rp.appId, strength: MFA });
    await page.goto(`${rp.base}/login`);
    await page.getByLabel('Username').fill(user.upn);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Use my password instead' }).click();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    expect(await page.getByTestId('signin-second-reason').innerText()).toContain('Multifactor authentication');
    await page.getByLabel('Code from your token or authenticator app').fill(user.code());
    await page.screenshot({ path: `${SCREENSHOTS}stepup-code.png` });
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Signed in to the payroll app' }).waitFor();
    const claims = JSON.parse(await page.locator('#claims').innerText()) as { sub: string; acr: string; amr: string[] };
    expect(claims.sub).toBe(user.id);
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(problems).toEqual([]);
  });

  it('the Control Center shows both attempts in Sign-in logs: interrupted for MFA, then success with the policy result', async () => {
    await page.goto(`${server.url}/admin/signins`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Control Center' }).getByRole('link', { name: 'Sign-in logs' }).click();
    await page.getByRole('heading', { name: 'Sign-in logs', level: 1 }).waitFor();
    await page.getByLabel('User').fill(upn);
    const table = page.getByRole('table', { name: 'Sign-ins' });
    await table.getByText('Interrupted').waitFor();
    const rows = table.getByRole('row').filter({ hasText: upn });
    expect(await rows.count()).toBe(2);
    await rows.filter({ hasText: 'Success' }).first().click();
    const details = page.getByTestId('signin-log-details');
    await details.waitFor();
    expect(await details.innerText()).toContain('Payroll needs MFA: success (RequireAuthenticationStrength)');
    expect(await details.innerText()).toContain('Methods: Password (succeeded), OATH verification code (succeeded)');
    await page.screenshot({ path: `${SCREENSHOTS}stepup-signin-logs.png` });
    expect(problems).toEqual([]);
  });

  it('inside an SSO session made with a password, the payroll app asks only for the code (no name, no password again)', async () => {
    const user = await userWithToken(server);
    await caPolicy(server, { name: 'Payroll needs MFA (session)', userId: user.id, appId: rp.appId, strength: MFA });
    const wiki = await startRelyingParty(server, 'Wiki', 'the wiki');
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    const p = await context.newPage();
    p.setDefaultTimeout(20_000);
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    try {
      await p.goto(`${wiki.base}/login?login_hint=${encodeURIComponent(user.upn)}`);
      await p.getByRole('button', { name: 'Use my password instead' }).click();
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('heading', { name: 'Signed in to the wiki' }).waitFor();
      // Same browser, the MFA app: the page opens at the second step, with the account already known.
      await p.goto(`${rp.base}/login`);
      await p.getByRole('heading', { name: 'Verify your identity' }).waitFor();
      expect(await p.getByText(user.upn).count()).toBeGreaterThan(0);
      expect(await p.getByLabel('Password').count()).toBe(0);
      await p.screenshot({ path: `${SCREENSHOTS}stepup-in-session.png` });
      await p.getByLabel('Code from your token or authenticator app').fill(user.code());
      await p.getByRole('button', { name: 'Verify' }).click();
      await p.getByRole('heading', { name: 'Signed in to the payroll app' }).waitFor();
      const claims = JSON.parse(await p.locator('#claims').innerText()) as { sub: string; acr: string; amr: string[] };
      expect(claims).toMatchObject({ sub: user.id, acr: MFA, amr: ['mfa', 'otp', 'pwd'] });
    } finally {
      await context.close();
      await wiki.close();
    }
    expect(problems).toEqual([]);
  });
});
