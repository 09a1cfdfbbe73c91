import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';

/**
 * The Control Center in real Chromium against a real server (PGlite): token sign-in, the users
 * list, creating a user through the dialog, the API's validation message, the detail panel,
 * the audit trail, groups and roles, and the 401 path back to sign-in.
 */
describe('Control Center in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    browser = await launchChromium();
    // Chromium logs every 4xx fetch; the 400 (bad UPN), 409 (duplicate UPN) and 401 (bad token)
    // are provoked on purpose. Anything else (CSP violations, React errors, other failed loads) is a bug.
    page = await openConsolePage(browser, problems, { height: 820, timeout: 15_000, expectedStatus: /status of (400|401|409) / });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sends a signed-out visitor to the token sign-in page, which explains how to get in', async () => {
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/signin');
    const text = await page.locator('main').innerText();
    expect(text).toContain('For automation, or before anyone has a passkey');
    expect(text).toContain('npx latchkey admin token');
    await shot('signin');
  });

  it('signs in with a token and lists the bootstrap administrator', async () => {
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('row', { name: /admin@latchkey\.local/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    // The shell's sections, in order; later features add their own entries between and after them.
    const sections = await page.getByRole('navigation', { name: 'Control Center' }).getByRole('link').allInnerTexts();
    expect(sections.filter((s) => ['Users', 'Groups', 'Roles', 'Audit'].includes(s))).toEqual(['Users', 'Groups', 'Roles', 'Audit']);
    expect(sections).toEqual(expect.arrayContaining(['Hardware tokens', 'Conditional Access']));
    expect(await page.getByTestId('identity').innerText()).not.toBe('');
    expect(await page.getByRole('button', { name: 'Sign out', exact: true }).isVisible()).toBe(true);
  });

  it('creates a user through the dialog and shows it in the list', async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Display name').fill('Ada Lovelace');
    await dialog.getByLabel('User principal name').fill('ada.lovelace@latchkey.local');
    await dialog.getByLabel('Mail').fill('ada@example.com');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('row', { name: /ada\.lovelace@latchkey\.local/ })
      .waitFor();
    const stored = await server.api(`/api/v1/users/ada.lovelace@latchkey.local`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ displayName: 'Ada Lovelace', mail: 'ada@example.com', accountEnabled: true });
    await shot('users');
  });

  it("shows the API's validation message for a duplicate userPrincipalName and creates nothing", async () => {
    const before = (await server.api('/api/v1/users?$count=true')).body['@odata.count'];
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Display name').fill('Ada Again');
    await dialog.getByLabel('User principal name').fill('ADA.LOVELACE@latchkey.local');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('The user was not created');
    expect(text).toMatch(/userPrincipalName already exists/);
    expect(text).toContain('HTTP 409');
    await shot('create-user-error');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await server.api('/api/v1/users?$count=true')).body['@odata.count']).toBe(before);
  });

  it('searches by name prefix and disables a user from the detail panel', async () => {
    await page.getByLabel('Search users').fill('Ada');
    const table = page.getByRole('table', { name: 'Users' });
    await page.getByText('Showing 1 of 1 users').waitFor();
    expect(await table.getByRole('row').count()).toBe(2); // header + Ada
    expect(await table.getByRole('row', { name: /admin@latchkey\.local/ }).count()).toBe(0);
    await table.getByRole('link', { name: 'Ada Lovelace' }).click();
    const panel = page.getByRole('dialog', { name: 'Ada Lovelace' });
    await panel.getByText('Not a member of any group').waitFor();
    const toggle = panel.getByRole('switch');
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await panel.locator('[role=switch][aria-checked=false]:not([disabled])').waitFor();
    expect((await server.api('/api/v1/users/ada.lovelace@latchkey.local')).body.accountEnabled).toBe(false);
    await shot('user-panel');

    // Edit: a bad UPN shows the API's 400 message; a job title is saved with PATCH.
    await panel.getByRole('button', { name: 'Edit' }).click();
    const form = panel.getByRole('form', { name: 'Edit user' });
    await form.getByLabel('User principal name').fill('not a upn');
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect(await form.getByRole('alert').innerText()).toMatch(/userPrincipalName must look like alias@domain[\s\S]*HTTP 400/);
    await form.getByLabel('User principal name').fill('ada.lovelace@latchkey.local');
    await form.getByLabel('Job title').fill('Mathematician');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await panel.getByText('Mathematician').waitFor();
    expect((await server.api('/api/v1/users/ada.lovelace@latchkey.local')).body).toMatchObject({
      jobTitle: 'Mathematician',
      userPrincipalName: 'ada.lovelace@latchkey.local',
    });

    await page.keyboard.press('Escape');
    await table.getByRole('row', { name: /Disabled/ }).waitFor();
  });

  it('shows the audit trail with the "Add user" entry and its details', async () => {
    await page.getByRole('navigation', { name: 'Control Center' }).getByRole('link', { name: 'Audit' }).click();
    const table = page.getByRole('table', { name: 'Audit entries' });
    const row = table.getByRole('row', { name: /Add user.*ada\.lovelace@latchkey\.local/ });
    await row.waitFor();
    await shot('audit');
    await row.getByRole('link', { name: 'Add user' }).click();
    const drawer = page.getByRole('dialog', { name: 'Add user' });
    await drawer.getByText('Correlation id').waitFor();
    expect(await drawer.innerText()).toContain('UserManagement');
    await shot('audit-entry');
    await page.keyboard.press('Escape');

    await page.getByLabel('Time').selectOption('1h');
    await page.getByLabel('Activity starts with').fill('Disable');
    await table
      .getByRole('row', { name: /Add user/ })
      .first()
      .waitFor({ state: 'detached' });
    await table.getByRole('row', { name: /Disable account.*ada\.lovelace@latchkey\.local/ }).waitFor();
    expect(await table.getByRole('row', { name: /Add user/ }).count()).toBe(0);
  });

  it('lists groups with their members, and roles with their holders', async () => {
    const group = await server.api('/api/v1/groups', {
      body: { displayName: 'Engineering', description: 'Builds Latchkey', mailEnabled: false, securityEnabled: true },
    });
    expect(group.status).toBe(201);
    const ada = (await server.api('/api/v1/users/ada.lovelace@latchkey.local')).body;
    const ref = await server.api(`/api/v1/groups/${group.body.id}/members/$ref`, {
      body: { '@odata.id': `${server.url}/api/v1/directoryObjects/${ada.id}` },
    });
    expect(ref.status).toBe(204);

    const nav = page.getByRole('navigation', { name: 'Control Center' });
    await nav.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('table', { name: 'Groups' }).getByRole('link', { name: 'Engineering' }).click();
    const drawer = page.getByRole('dialog', { name: 'Engineering' });
    await drawer.getByRole('list', { name: 'Members' }).getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await shot('groups');
    // A member links to the user, whose panel lists the group under Member of.
    await drawer.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page
      .getByRole('dialog', { name: 'Ada Lovelace' })
      .getByRole('list', { name: 'Groups' })
      .getByRole('link', { name: 'Engineering' })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/users/${ada.id}`);
    await page.keyboard.press('Escape');

    await nav.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('table', { name: 'Roles' }).getByRole('link', { name: 'Global Administrator', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Global Administrator' })
      .getByRole('list', { name: 'Role assignments' })
      .getByText('Latchkey Administrator')
      .waitFor();
    await shot('roles');
    await page.keyboard.press('Escape');
  });

  it('pages through users with Load more', async () => {
    for (let i = 0; i < 26; i++) {
      const r = await server.api('/api/v1/users', {
        body: { displayName: `Bulk ${String(i).padStart(2, '0')}`, userPrincipalName: `bulk${i}@latchkey.local` },
      });
      expect(r.status).toBe(201);
    }
    await page.getByRole('navigation', { name: 'Control Center' }).getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Search users').fill('Bulk');
    await page.getByText('Showing 25 of 26 users').waitFor();
    const rows = page.getByRole('table', { name: 'Users' }).getByRole('row');
    expect(await rows.count()).toBe(26); // header + 25
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('Showing 26 of 26 users').waitFor();
    expect(await rows.count()).toBe(27);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('deletes a user from the detail panel after confirmation', async () => {
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('link', { name: 'Bulk 00' }).click();
    const panel = page.getByRole('dialog', { name: 'Bulk 00' });
    await panel.getByRole('button', { name: 'Delete user…' }).click();
    await panel.getByRole('button', { name: 'Delete user', exact: true }).click();
    await panel.waitFor({ state: 'detached' });
    await page.getByText('Showing 25 of 25 users').waitFor();
    expect(await table.getByRole('link', { name: 'Bulk 00' }).count()).toBe(0);
    expect((await server.api('/api/v1/users/bulk0@latchkey.local')).status).toBe(404);
  });

  it('fits a narrow window without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 420, height: 860 });
    await page.getByRole('navigation', { name: 'Control Center' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await shot('narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.setViewportSize({ width: 1360, height: 820 });
  });

  it('goes back to sign-in with a message when the API answers 401', async () => {
    await page.evaluate(() => sessionStorage.setItem('latchkey.admin.token', 'not-a-valid-token'));
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').first().innerText()).toMatch(/session ended/i);
    expect(await page.evaluate(() => sessionStorage.getItem('latchkey.admin.token'))).toBeNull();
  });

  it('serves My Security Info (signed out) and the /signin placeholder', async () => {
    await page.goto(`${server.url}/my`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Security info');
    await page.goto(`${server.url}/signin`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in');
  });

  it('logged no page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
