import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ensureWebBuild, launchChromium, WEB_DIST } from '../../../../e2e/support/browser.ts';
import { csvOf, newSecret } from './support.ts';

/** The Control Center's Hardware tokens page in real Chromium against a real server (PGlite): upload with progress, per-line problems, the inventory table. */
describe('Hardware tokens page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 400 /.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${server.url}/admin/signin`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'Users' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('uploads a CSV, shows the result and lists the tokens; a bad file shows every problem by line and imports nothing', async () => {
    await page.getByRole('navigation', { name: 'Control Center' }).getByRole('link', { name: 'Hardware tokens' }).click();
    await page.getByRole('heading', { name: 'Hardware tokens' }).waitFor();
    const good = csvOf([
      ['', 'WEB-1', newSecret(), 30, 'Token2', 'C202'],
      ['admin@latchkey.local', 'WEB-2', newSecret(), 60, 'Token2', 'C202'],
    ]);
    await page.getByLabel('Token file').setInputFiles({ name: 'tokens.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Imported 2 token(s) (1 assigned).').waitFor();
    const table = page.getByRole('table', { name: 'Hardware tokens' });
    await table.getByRole('row', { name: /WEB-2/ }).waitFor();
    expect(await table.getByRole('row', { name: /WEB-2/ }).innerText()).toMatch(/Assigned/);
    expect(await table.getByRole('row', { name: /WEB-1/ }).innerText()).toMatch(/Available/);

    const bad = csvOf([
      ['', 'WEB-3', 'NOT-BASE32-1', 30, 'A', 'B'],
      ['', 'WEB-1', newSecret(), 45, 'A', 'B'],
    ]);
    await page.getByLabel('Token file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Nothing was imported.', { exact: false }).waitFor();
    const issues = await page.getByRole('list', { name: 'Problems' }).innerText();
    expect(issues).toContain('Line 2 (WEB-3)');
    expect(issues).toContain('Line 3 (WEB-1)');
    expect(await table.getByRole('row').count()).toBe(3); // header + 2 tokens
    expect(problems).toEqual([]);
  }, 60_000);
});
