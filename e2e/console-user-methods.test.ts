import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';
import { addVirtualAuthenticator } from './support/virtual-authenticator.ts';

const TAP_CONFIG = '/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass';
const FIDO2_CONFIG = '/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2';
const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';
const DEVICES = '/api/v1/directory/authenticationMethodDevices/hardwareOathDevices';

/**
 * A user's authentication methods in the Control Center's user panel, in real Chromium against a
 * real server (PGlite): the API's message for a lifetime out of range, issuing a Temporary Access
 * Pass shown once, a second pass replacing the first (the old one is refused at sign-in, the new
 * one signs the user in in another browser and leads to a passkey registration), the passkey and
 * the used pass listed, deleting the passkey, per-user MFA, and the refusal to issue oneself a pass.
 */
describe('user authentication methods in the Control Center, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let userContext: BrowserContext;
  let grace: { id: string; userPrincipalName: string };
  let firstPass: string;
  let secondPass: string;
  const problems: string[] = [];
  const shot = (name: string, p: Page = page) => p.screenshot({ path: `${SCREENSHOTS}user-methods-${name}.png`, fullPage: false });
  const panel = () => page.getByRole('dialog', { name: 'Grace Hopper' });
  const methods = () => panel().getByRole('list', { name: 'Authentication methods' });
  const tapsOf = async (userId: string) =>
    (await server.api(`/api/v1/users/${userId}/authentication/temporaryAccessPassMethods`)).body.value;
  /** Issues a pass from the open panel's form and returns what the console showed once. */
  const issue = async (o: { lifetime?: string; once: boolean }) => {
    await panel().getByRole('button', { name: 'Issue a pass' }).click();
    const form = panel().getByRole('form', { name: 'Issue a Temporary Access Pass' });
    if (o.lifetime !== undefined) await form.getByLabel('Lifetime (minutes)').fill(o.lifetime);
    if (o.once) await form.getByLabel(/One-time use/).check();
    await form.getByRole('button', { name: 'Issue pass' }).click();
    return form;
  };

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    const fido2 = await server.api(FIDO2_CONFIG, {
      method: 'PATCH',
      body: { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false },
    });
    expect(fido2.status).toBeLessThan(300);
    const tap = await server.api(TAP_CONFIG, {
      method: 'PATCH',
      body: { '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration', state: 'enabled' },
    });
    expect(tap.status).toBeLessThan(300);
    grace = (
      await server.api('/api/v1/users', {
        body: { displayName: 'Grace Hopper', userPrincipalName: 'grace@latchkey.test', accountEnabled: true, mailNickname: 'grace' },
      })
    ).body;
    expect(grace.id).toBeTruthy();
    browser = await launchChromium();
    // The 400 (lifetime out of range) and 403 (issuing oneself a pass) are provoked on purpose.
    page = await openConsolePage(browser, problems, { height: 1000, timeout: 20_000, expectedStatus: /status of (400|403) / });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens the user: no methods yet, per-user MFA disabled', async () => {
    await page.goto(`${server.url}/admin/signin?next=${encodeURIComponent(`/admin/users/${grace.id}`)}`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await panel().getByText('No authentication methods yet.').waitFor();
    expect(await panel().getByLabel('Per-user MFA state').inputValue()).toBe('disabled');
  });

  it("a lifetime out of the policy's range: the API's message, and no pass", async () => {
    const form = await issue({ lifetime: '10', once: false });
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Invalid LifetimeInMinutes specified\. The valid range between 60 and 480\.[\s\S]*HTTP 400/);
    expect(await form.innerText()).toContain('Between 60 and 480 minutes');
    await shot('tap-error');
    expect(await tapsOf(grace.id)).toEqual([]);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('issues a multi-use pass shown once; the list shows it usable, the API never returns it', async () => {
    await issue({ lifetime: '120', once: false });
    const once = panel().getByRole('status', { name: 'Temporary Access Pass' });
    await once.waitFor();
    expect(await once.innerText()).toContain("you won't see it again");
    expect(await once.innerText()).toContain('Multi-use pass');
    firstPass = await once.getByTestId('one-time-secret').inputValue();
    expect(firstPass).toMatch(/^\S{8,}$/);
    const row = methods().getByRole('listitem', { name: 'Temporary Access Pass: Multi-use pass' });
    await row.getByText('Usable').waitFor();
    expect(await row.innerText()).toContain('EnabledByPolicy');
    expect(await row.innerText()).toContain('(120 min)');
    await shot('tap');
    const taps = await tapsOf(grace.id);
    expect(taps).toEqual([expect.objectContaining({ temporaryAccessPass: null, lifetimeInMinutes: 120, isUsableOnce: false })]);
  });

  it('a second pass (one-time) replaces the first', async () => {
    const before = (await tapsOf(grace.id))[0].id;
    await panel().getByRole('button', { name: 'Issue a pass' }).click();
    expect(await panel().getByRole('form', { name: 'Issue a Temporary Access Pass' }).innerText()).toContain(
      'issuing a new one replaces it',
    );
    await panel().getByRole('button', { name: 'Cancel' }).click();
    await issue({ once: true });
    const once = panel().getByRole('status', { name: 'Temporary Access Pass' });
    await once.getByText('One-time pass').waitFor();
    secondPass = await once.getByTestId('one-time-secret').inputValue();
    expect(secondPass).not.toBe(firstPass);
    await methods().getByRole('listitem', { name: 'Temporary Access Pass: One-time pass' }).waitFor();
    expect(
      await methods()
        .getByRole('listitem', { name: /Temporary Access Pass/ })
        .count(),
    ).toBe(1);
    const taps = await tapsOf(grace.id);
    expect(taps).toHaveLength(1);
    expect(taps[0]).toMatchObject({ isUsableOnce: true, lifetimeInMinutes: 60, isUsable: true });
    expect(taps[0].id).not.toBe(before);
  });

  it('the user signs in with the new pass in another browser (the replaced one is refused) and registers a passkey', async () => {
    userContext = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    const user = await userContext.newPage();
    user.setDefaultTimeout(20_000);
    user.on('pageerror', (e) => problems.push(`user pageerror: ${e.message}`));
    await addVirtualAuthenticator(userContext, user);
    await user.goto(`${server.config.issuer}/my`);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByLabel('Username').fill(grace.userPrincipalName);
    await user.getByRole('button', { name: 'Next' }).click();
    await user.getByRole('button', { name: 'Use a Temporary Access Pass' }).click();
    await user.getByRole('textbox', { name: 'Temporary Access Pass' }).fill(firstPass);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByRole('alert').waitFor();
    await shot('replaced-pass-refused', user);
    await user.getByRole('textbox', { name: 'Temporary Access Pass' }).fill(secondPass);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByRole('heading', { name: 'Set up your passkey' }).waitFor();
    await user.getByRole('button', { name: 'Set up now' }).click();
    await user.getByRole('heading', { name: 'Security info' }).waitFor();
    expect(await user.getByTestId('my-identity').innerText()).toBe(grace.userPrincipalName);
    await user
      .getByRole('list', { name: 'Sign-in methods' })
      .getByText(/passkey/i)
      .first()
      .waitFor();
  });

  it('the console lists the passkey (device-bound, AAGUID, dates) and the used pass', async () => {
    await panel().getByRole('button', { name: 'Refresh' }).click();
    const passkey = methods().getByRole('listitem', { name: /^Passkey: / });
    await passkey.waitFor();
    const text = await passkey.innerText();
    expect(text).toContain('Device-bound');
    expect(text).toMatch(/AAGUID [0-9a-f-]{36}/);
    expect(text).toContain('added');
    const tap = methods().getByRole('listitem', { name: 'Temporary Access Pass: One-time pass' });
    await tap.getByText('Used', { exact: true }).waitFor();
    expect(await tap.innerText()).toContain('OneTimeUsed');
    // The used pass is no longer shown.
    expect(await panel().getByTestId('one-time-secret').count()).toBe(0);
    await passkey.scrollIntoViewIfNeeded();
    await shot('list');
  });

  it('deletes the passkey after a confirmation', async () => {
    const passkey = methods().getByRole('listitem', { name: /^Passkey: / });
    await passkey.getByRole('button', { name: /^Delete passkey / }).click();
    expect(await passkey.innerText()).toContain('The user can no longer sign in with this passkey.');
    await shot('delete-confirm');
    await passkey.getByRole('button', { name: 'Delete passkey' }).click();
    await passkey.waitFor({ state: 'detached' });
    expect((await server.api(`/api/v1/users/${grace.id}/authentication/fido2Methods`)).body.value).toEqual([]);
  });

  it('changes per-user MFA to enforced', async () => {
    const select = panel().getByLabel('Per-user MFA state');
    await select.selectOption('enforced');
    await panel().getByText('Saved.').waitFor();
    expect((await server.api(`/api/v1/users/${grace.id}/authentication/requirements`)).body).toEqual({ perUserMfaState: 'enforced' });
    expect(await select.inputValue()).toBe('enforced');
    await select.scrollIntoViewIfNeeded();
    await shot('mfa');
  });

  it('lists a password and a hardware token; turns the password off and unassigns the token after confirmations', async () => {
    const reset = await server.api(`/api/v1/users/${grace.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`, {
      body: { newPassword: 'Correct-Horse-42!' },
    });
    expect(reset.status).toBe(202);
    const device = await server.api(DEVICES, {
      body: {
        serialNumber: 'YK-0042',
        secretKey: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
        manufacturer: 'Yubico',
        model: 'YubiKey 5',
        assignTo: { id: grace.id },
      },
    });
    expect(device.status, JSON.stringify(device.body)).toBe(201);
    await panel().getByRole('button', { name: 'Refresh' }).click();
    const password = methods().getByRole('listitem', { name: 'Password: Password' });
    const token = methods().getByRole('listitem', { name: /^Hardware token: / });
    await password.waitFor();
    expect(await token.innerText()).toMatch(/serial YK-0042 · Yubico YubiKey 5/);
    expect(await token.innerText()).toContain('Not activated');
    await token.scrollIntoViewIfNeeded();
    await shot('password-and-token');

    await password.getByRole('button', { name: /^Turn off password/ }).click();
    await password.getByRole('button', { name: 'Turn off password' }).click();
    await password.waitFor({ state: 'detached' });
    expect((await server.api(`/api/v1/users/${grace.id}/authentication/passwordMethods`)).body.value).toEqual([]);

    await token.getByRole('button', { name: /^Unassign hardware token/ }).click();
    expect(await token.innerText()).toContain('The token goes back to the inventory');
    await token.getByRole('button', { name: 'Unassign hardware token' }).click();
    await token.waitFor({ state: 'detached' });
    expect((await server.api(`${DEVICES}/${device.body.id}`)).body).toMatchObject({ status: 'available', assignedTo: null });
  });

  it('an administrator may not issue themselves a pass: the API says so, nothing is issued', async () => {
    const admin = (await server.api('/api/v1/users/admin@latchkey.local')).body as { id: string; displayName: string };
    await page.goto(`${server.url}/admin/users/${admin.id}`);
    const adminPanel = page.getByRole('dialog', { name: admin.displayName });
    await adminPanel.getByRole('button', { name: 'Issue a pass' }).click();
    const form = adminPanel.getByRole('form', { name: 'Issue a Temporary Access Pass' });
    await form.getByRole('button', { name: 'Issue pass' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('No pass was issued');
    expect(await alert.innerText()).toContain('HTTP 403');
    expect(await form.innerText()).toContain('Nobody may issue a pass to themselves');
    await alert.scrollIntoViewIfNeeded();
    await shot('self-issue');
    expect(await tapsOf(admin.id)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
