import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, SCREENSHOTS } from './support/browser.ts';
import { addVirtualAuthenticator, type VirtualAuthenticator } from './support/virtual-authenticator.ts';

const CLI = fileURLToPath(new URL('../packages/server/bin/latchkey.mjs', import.meta.url));
const ADMIN = 'admin@latchkey.local';

/**
 * Issue 4 item 9, end to end: `latchkey serve` (what `npm start` runs) on an empty data dir prints
 * a one-time Temporary Access Pass and the URL; in Chromium the first administrator signs in at
 * that URL with the pass, is made to register a passkey (CDP virtual authenticator), lands in My
 * Security Info, and then signs in with the passkey alone; the used pass is never offered again.
 */
describe('passwordless first start in Chromium: printed TAP → sign in → register a passkey → sign in with it', { timeout: 180_000 }, () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let serve: ChildProcess;
  let base: string;
  let printed = '';
  let pass: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let authenticator: VirtualAuthenticator;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}onboarding-${name}.png` });
  /** Signed in to My Security Info: the identity shows and the page's heading is there. */
  const securityInfo = async (p: Page) => {
    await p.getByTestId('my-identity').waitFor();
    await p.getByRole('heading', { name: 'Security info' }).waitFor();
  };
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  const adminApi = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const token = cli('admin', 'token').stdout.trim();
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

  beforeAll(async () => {
    ensureWebBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-onboarding-'));
    const port = await freePort();
    env = {
      ...process.env,
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_PORT: String(port),
      LATCHKEY_LOG_LEVEL: 'warn',
      LATCHKEY_HOST: '127.0.0.1',
    };
    serve = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TAP printed within 120 s:\n${printed}`)), 120_000);
      serve.stderr!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (/Temporary Access Pass: \S+/.test(printed) && /Sign in: +\S+/.test(printed)) {
          clearTimeout(timer);
          resolve();
        }
      });
      serve.once('exit', (code) => reject(new Error(`latchkey serve exited (${code}):\n${printed}`)));
    });
    pass = /Temporary Access Pass: (\S+)/.exec(printed)![1]!;
    base = `http://localhost:${port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${r.status()}: ${r.url()}`);
    });
    authenticator = await addVirtualAuthenticator(context, page);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the first administrator, the sign-in URL and a one-time TAP of the policy length', () => {
    expect(printed).toContain(`First administrator: ${ADMIN} (Global Administrator) was created.`);
    expect(printed).toMatch(new RegExp(`Sign in: +${base.replace(/[.:/]/g, '\\$&')}/my as ${ADMIN}`));
    expect(pass).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(printed).toContain('(one-time, valid until');
  });

  it('turned on Fido2 and TemporaryAccessPass for all users, audited as the system', async () => {
    const policy = await adminApi('/api/v1/policies/authenticationMethodsPolicy');
    expect(policy.status).toBe(200);
    const byId = Object.fromEntries(policy.body.authenticationMethodConfigurations.map((c: { id: string; state: string }) => [c.id, c]));
    expect(byId.Fido2).toMatchObject({ state: 'enabled', isAttestationEnforced: false });
    expect(byId.TemporaryAccessPass).toMatchObject({ state: 'enabled' });
    const audits = await adminApi('/api/v1/auditLogs/directoryAudits?$top=50');
    const policyChanges = (audits.body.value as Array<{ activityDisplayName: string; initiatedBy: unknown }>).filter(
      (a) => a.activityDisplayName === 'Update authentication methods policy',
    );
    expect(policyChanges.length).toBeGreaterThanOrEqual(2);
  });

  it('signs in at the printed URL with the TAP and is made to register a passkey', async () => {
    await page.goto(`${base}/my`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(ADMIN);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Use a Temporary Access Pass' }).click();
    await page.getByRole('textbox', { name: 'Temporary Access Pass' }).fill(pass);
    await shot('tap');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your passkey' }).waitFor();
    expect(await page.getByTestId('signin-register-reason').innerText()).toContain('one-time Temporary Access Pass');
    // Required, so there is no "Not now".
    expect(await page.getByRole('button', { name: /^Not now/ }).count()).toBe(0);
    await shot('register-required');
    await page.getByRole('button', { name: 'Set up now' }).click();
    await securityInfo(page);
    expect(await page.getByTestId('my-identity').innerText()).toBe(ADMIN);
    await page
      .getByRole('list', { name: 'Sign-in methods' })
      .getByText(/passkey/i)
      .first()
      .waitFor();
    await shot('my-security-info');
    const credentials = await authenticator.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
  });

  it('the pass is used up: OneTimeUsed in the admin API, and the sign-in page no longer offers it', async () => {
    const users = await adminApi(`/api/v1/users/${ADMIN}`);
    const taps = await adminApi(`/api/v1/users/${users.body.id}/authentication/temporaryAccessPassMethods`);
    expect(taps.body.value).toHaveLength(1);
    expect(taps.body.value[0]).toMatchObject({ temporaryAccessPass: null, isUsable: false, methodUsabilityReason: 'OneTimeUsed' });
    expect(JSON.stringify(taps.body)).not.toContain(pass);
    // A second context without the virtual authenticator's passkey, so autofill stays quiet.
    const other = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const p2 = await other.newPage();
    p2.setDefaultTimeout(60_000);
    await p2.goto(`${base}/my`);
    await p2.getByRole('button', { name: 'Sign in' }).click();
    await p2.getByLabel('Username').fill(ADMIN);
    await p2.getByRole('button', { name: 'Next' }).click();
    await p2.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    expect(await p2.getByRole('button', { name: 'Use a Temporary Access Pass' }).count()).toBe(0);
    await p2.screenshot({ path: `${SCREENSHOTS}onboarding-tap-gone.png` });
    await other.close();
  });

  it('signs in with the new passkey alone', async () => {
    // Sign out of My Security Info (it keeps its tokens in the page, not in cookies), forget the session cookie too.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await context.clearCookies();
    await page.goto(`${base}/my`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The passkey answers the username field's autofill request (conditional UI): no name, no pass typed.
    await securityInfo(page);
    expect(await page.getByTestId('my-identity').innerText()).toBe(ADMIN);
    await shot('passkey-signin');
    expect(problems).toEqual([]);
  });

  it('the registration campaign nudges a password user without a passkey: "Not now (3 left)" lets them through', async () => {
    const campaign = await adminApi('/api/v1/policies/authenticationMethodsPolicy', {
      method: 'PATCH',
      body: {
        registrationEnforcement: {
          authenticationMethodsRegistrationCampaign: {
            state: 'enabled',
            snoozeDurationInDays: 1,
            includeTargets: [{ id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'fido2' }],
          },
        },
      },
    });
    expect(campaign.status).toBeLessThan(300);
    const user = (
      await adminApi('/api/v1/users', {
        body: { displayName: 'Ada Lovelace', userPrincipalName: 'ada@latchkey.local', accountEnabled: true, mailNickname: 'ada' },
      })
    ).body;
    expect(user.id).toBeTruthy();
    expect(
      (
        await adminApi(`/api/v1/users/${user.id}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword`, {
          body: { newPassword: 'Correct-Horse-42!' },
        })
      ).status,
    ).toBe(202);
    const other = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    const p = await other.newPage();
    p.setDefaultTimeout(60_000);
    await p.goto(`${base}/my`);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByLabel('Username').fill('ada@latchkey.local');
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('button', { name: 'Use my password instead' }).click();
    await p.getByLabel('Password').fill('Correct-Horse-42!');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Sign in faster with a passkey' }).waitFor();
    await p.getByRole('button', { name: 'Set up now' }).waitFor();
    await p.getByRole('button', { name: 'Not now (3 left)' }).waitFor();
    await p.screenshot({ path: `${SCREENSHOTS}onboarding-campaign.png` });
    await p.getByRole('button', { name: 'Not now (3 left)' }).click();
    await securityInfo(p);
    expect(await p.getByTestId('my-identity').innerText()).toBe('ada@latchkey.local');
    await other.close();
  });
});
