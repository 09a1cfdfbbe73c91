import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';

/**
 * Conditional Access in the Control Center, in real Chromium against a real server (PGlite):
 * create a policy from the JSON editor, the lockout guard's explicit second confirmation, What If,
 * and the lockout analysis with its progress and its chain of reasons.
 */
describe('Conditional Access console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    browser = await launchChromium();
    // The 409 (lockout risk) is provoked on purpose.
    page = await openConsolePage(browser, problems, { height: 900, timeout: 20_000, expectedStatus: /status of 409 / });
    const app = await server.api('/api/v1/applications', { body: { displayName: 'Payroll' } });
    expect(app.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a report-only policy from the JSON editor and lists it', async () => {
    await page.goto(`${server.url}/admin/signin?next=${encodeURIComponent('/admin/policies')}`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Conditional Access' }).waitFor();
    await page.getByText('No Conditional Access policies yet.').waitFor();
    await page.getByRole('link', { name: 'New policy' }).click();
    await page.getByLabel('Policy JSON').waitFor();
    expect(await page.getByLabel('Policy JSON').inputValue()).toContain('enabledForReportingButNotEnforced');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/admin\/policies\/[0-9a-f-]{36}$/);
    const stored = (await server.api('/api/v1/identity/conditionalAccess/policies')).body.value;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      state: 'enabledForReportingButNotEnforced',
      grantControls: { authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } },
    });
  });

  it('enabling it would lock out the administrator: the guard says so, and applying needs a second click', async () => {
    const editor = page.getByLabel('Policy JSON');
    await editor.fill((await editor.inputValue()).replace('"enabledForReportingButNotEnforced"', '"enabled"'));
    await page.getByRole('button', { name: 'Save' }).click();
    const risk = page.getByTestId('lockout-risk');
    await risk.waitFor();
    expect(await risk.innerText()).toContain('Global Administrator admin@latchkey.local');
    const stored = (await server.api('/api/v1/identity/conditionalAccess/policies')).body.value;
    expect(stored[0].state).toBe('enabledForReportingButNotEnforced');
    await shot('policies-lockout-risk');
    await risk.getByRole('button', { name: 'Apply anyway' }).click();
    await risk.waitFor({ state: 'detached' });
    expect((await server.api('/api/v1/identity/conditionalAccess/policies')).body.value[0].state).toBe('enabled');
  });

  it('What If shows which policies apply and why the others do not', async () => {
    await page.getByRole('link', { name: 'What If' }).click();
    await page.getByLabel('User (id or user principal name)').fill('admin@latchkey.local');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const table = page.getByRole('table', { name: 'What If results' });
    await table.waitFor();
    expect(await table.innerText()).toContain('Applies');
  });

  it('the lockout analysis runs with progress and explains who is locked out, and why', async () => {
    await page.getByRole('link', { name: 'Lockout analysis' }).click();
    await page.getByRole('button', { name: 'Run lockout analysis' }).click();
    const result = page.getByTestId('analysis-result');
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain('1 locked out');
    expect(text).toContain('admin@latchkey.local');
    expect(text).toContain('Require phishing-resistant MFA for administrators needs Phishing-resistant MFA');
    expect(text).toContain('Payroll');
    await shot('policies-lockout-analysis');
    expect(problems).toEqual([]);
  });
});
