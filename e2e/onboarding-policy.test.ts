import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';
import { startRelyingParty, type RelyingParty } from './support/relying-party.ts';
import { addVirtualAuthenticator, type VirtualAuthenticator } from './support/virtual-authenticator.ts';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const PHISHING_RESISTANT = '00000000-0000-0000-0000-000000000004';
const REGISTER_SECURITY_INFO = 'urn:user:registersecurityinfo';
const POLICIES = '/api/v1/identity/conditionalAccess/policies';
const ANALYZE = '/api/v1/identity/conditionalAccess/analyze';

type LockedOut = { id: string; isGlobalAdministrator: boolean; unreachable: Array<{ target: { displayName: string }; status: string; reasons: string[] }> };

/**
 * Issue 4's onboarding journey, end to end in Chromium (entra-spec §2.5 "Bootstrap and recovery"):
 * CA999 requires phishing-resistant MFA for Global Administrators on All resources; an onboarding
 * group's policy on the registration action requires a custom strength with a multi-use TAP (or a
 * passkey). A new administrator in that group signs in with a multi-use TAP, registers a passkey
 * (CDP virtual authenticator), leaves the group, and reaches an app (openid-client RP) with the
 * passkey: the ID token says phishing-resistant. The TAP alone no longer reaches the app. The
 * lockout analysis reports the catch-22 before the onboarding policy exists and clears it after.
 */
describe('onboarding under Conditional Access in Chromium: multi-use TAP → passkey → app', { timeout: 240_000 }, () => {
  let server: TestServer;
  let rp: RelyingParty;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consolePage: Page;
  let authenticator: VirtualAuthenticator;
  const problems: string[] = [];
  const upn = `new-admin-${crypto.randomUUID().slice(0, 6)}@latchkey.test`;
  let adminId = '';
  let onboardingGroup = '';
  let pass = '';
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SCREENSHOTS}onboarding-policy-${name}.png` });
  const ok = async (res: Promise<{ status: number; body: any }>, status: number) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r.body;
  };
  const watch = (p: Page) => {
    p.setDefaultTimeout(30_000);
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    p.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${r.status()}: ${r.url()}`);
    });
  };
  /** The Control Center's lockout analysis page (signed in with an admin bearer token): runs it, returns the result's text. */
  const consoleAnalysis = async (name: string): Promise<{ all: string; lockedOut: string }> => {
    if (!consolePage) {
      consolePage = await openConsolePage(browser, problems, { height: 900, timeout: 30_000, expectedStatus: /^$/ });
      await consolePage.goto(`${server.url}/admin/signin?next=${encodeURIComponent('/admin/policies')}`);
      await consolePage.getByLabel('Bearer token').fill(await server.token());
      await consolePage.getByRole('button', { name: 'Sign in' }).click();
      await consolePage.getByRole('heading', { name: 'Conditional Access' }).waitFor();
    }
    await consolePage.getByRole('link', { name: 'Lockout analysis' }).click();
    await consolePage.getByRole('button', { name: 'Run lockout analysis' }).click();
    const result = consolePage.getByTestId('analysis-result');
    await result.waitFor();
    await consolePage.waitForFunction(() => !document.querySelector('[data-testid="analysis-result"]')?.closest('[aria-busy="true"]'));
    await shot(consolePage, name);
    const list = consolePage.getByRole('list', { name: 'Locked out' });
    return { all: await result.innerText(), lockedOut: (await list.count()) ? await list.innerText() : '' };
  };
  const lockedOut = async (): Promise<LockedOut | undefined> => ((await ok(server.api(ANALYZE, { method: 'POST' }), 200)).lockedOutUsers as LockedOut[]).find((u) => u.id === adminId);

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    rp = await startRelyingParty(server, 'Payroll', 'the payroll app');
    const methods = '/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations';
    await ok(server.api(`${methods}/Fido2`, { method: 'PATCH', body: { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false } }), 204);
    await ok(server.api(`${methods}/TemporaryAccessPass`, { method: 'PATCH', body: { '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration', state: 'enabled', isUsableOnce: false } }), 204);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    watch(page);
    authenticator = await addVirtualAuthenticator(context, page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await server?.close();
  });

  it('a new Global Administrator under CA999 (phishing-resistant, All resources) is caught in the catch-22', async () => {
    adminId = (await ok(server.api('/api/v1/users', { body: { displayName: 'New Admin', userPrincipalName: upn, accountEnabled: true, mailNickname: upn.split('@')[0] } }), 201)).id;
    await ok(server.api('/api/v1/roleManagement/directory/roleAssignments', { body: { principalId: adminId, roleDefinitionId: GLOBAL_ADMINISTRATOR, directoryScopeId: '/' } }), 201);
    const ca999 = {
      displayName: 'CA999 admins phishing-resistant',
      state: 'enabled',
      conditions: { clientAppTypes: ['all'], users: { includeRoles: [GLOBAL_ADMINISTRATOR] }, applications: { includeApplications: ['All'] } },
      grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING_RESISTANT } },
    };
    // The guard refuses a change that locks out a Global Administrator unless confirmed.
    const refused = await server.api(POLICIES, { body: ca999 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({ code: 'LockoutRisk' });
    await ok(server.api(`${POLICIES}?confirmLockout=true`, { body: ca999 }), 201);

    const locked = await lockedOut();
    expect(locked?.isGlobalAdministrator).toBe(true);
    const registration = locked!.unreachable.find((v) => v.target.displayName === 'Register security information');
    expect(registration?.status).toBe('lockedOut');
    const chain = locked!.unreachable.find((v) => v.target.displayName === 'Payroll')!.reasons.join('; ');
    expect(chain).toContain('CA999 admins phishing-resistant needs Phishing-resistant MFA');
    expect(chain).toContain('registering a passkey requires the registration action, which CA999 admins phishing-resistant also covers');
    // The same in the Control Center (the console's own token user is a Global Administrator without methods: locked out too).
    const shown = await consoleAnalysis('analysis-catch-22');
    expect(shown.lockedOut).toContain(upn);
    expect(shown.lockedOut).toContain('registering a passkey requires the registration action, which CA999 admins phishing-resistant also covers');
  });

  it('an onboarding group whose registration policy requires a custom strength with a multi-use TAP clears it', async () => {
    onboardingGroup = (await ok(server.api('/api/v1/groups', { body: { displayName: 'Admin onboarding', mailEnabled: false, mailNickname: 'admin-onboarding', securityEnabled: true } }), 201)).id;
    await ok(server.api(`/api/v1/groups/${onboardingGroup}/members/$ref`, { body: { '@odata.id': `${server.url}/api/v1/directoryObjects/${adminId}` } }), 204);
    const strength = await ok(
      server.api('/api/v1/identity/conditionalAccess/authenticationStrength/policies', { body: { displayName: 'Bootstrap: multi-use TAP', allowedCombinations: ['temporaryAccessPassMultiUse', 'fido2'] } }),
      201,
    );
    expect(strength.policyType).toBe('custom');
    await ok(
      server.api(POLICIES, {
        body: {
          displayName: 'Onboarding: register with a TAP',
          state: 'enabled',
          conditions: { clientAppTypes: ['all'], users: { includeGroups: [onboardingGroup] }, applications: { includeUserActions: [REGISTER_SECURITY_INFO] } },
          grantControls: { operator: 'OR', authenticationStrength: { id: strength.id } },
        },
      }),
      201,
    );
    expect(await lockedOut()).toBeUndefined();
    const shown = await consoleAnalysis('analysis-cleared');
    expect(shown.lockedOut).not.toContain(upn);
    expect(shown.all).toContain('Get in only after onboarding');
    expect(shown.all).toContain(upn);
    pass = (await ok(server.api(`/api/v1/users/${adminId}/authentication/temporaryAccessPassMethods`, { body: { isUsableOnce: false, lifetimeInMinutes: 120 } }), 201)).temporaryAccessPass;
    expect(pass).toMatch(/^\S{8,}$/);
  });

  it('signs in to the app with the multi-use TAP, must register a passkey, then is asked for it', async () => {
    await page.goto(`${rp.base}/login`);
    await page.getByLabel('Username').fill(upn);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Use a Temporary Access Pass' }).click();
    await page.getByRole('textbox', { name: 'Temporary Access Pass' }).fill(pass);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your passkey' }).waitFor();
    expect(await page.getByTestId('signin-register-reason').innerText()).toContain('requires a passkey');
    await shot(page, 'register');
    await page.getByRole('button', { name: 'Set up now' }).click();
    // Registered, not used: the app's policy still needs the passkey itself (no bypass by registering).
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    expect(await page.getByTestId('signin-second-reason').innerText()).toContain('Phishing');
    await shot(page, 'verify-with-passkey');
    await page.getByRole('button', { name: 'Continue with passkey' }).click();
    await page.getByRole('heading', { name: 'Signed in to the payroll app' }).waitFor();
    const credentials = await authenticator.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
  });

  it('after leaving the onboarding group, the passkey alone reaches the app: the ID token says phishing-resistant', async () => {
    await ok(server.api(`/api/v1/groups/${onboardingGroup}/members/${adminId}/$ref`, { method: 'DELETE' }), 204);
    await context.clearCookies();
    const before = rp.idTokens.length;
    await page.goto(`${rp.base}/login?login_hint=${encodeURIComponent(upn)}`);
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    expect(await page.getByRole('button', { name: 'Use a Temporary Access Pass' }).count()).toBe(1); // still usable, still offered
    await page.getByRole('button', { name: 'Continue with passkey' }).click();
    await page.getByRole('heading', { name: 'Signed in to the payroll app' }).waitFor();
    await shot(page, 'app');
    expect(rp.idTokens.length).toBe(before + 1);
    const claims = JSON.parse(await page.locator('#claims').innerText()) as { sub: string; acr: string; amr: string[]; name?: string };
    expect(claims.sub).toBe(adminId);
    expect(claims.acr).toBe(PHISHING_RESISTANT);
    expect(claims.amr).toContain('mfa');
    expect(claims.amr.some((a) => a === 'hwk' || a === 'swk')).toBe(true);
    expect(await lockedOut()).toBeUndefined(); // a passkey holder needs no onboarding
  });

  it('the TAP alone no longer reaches the app: the page says why in plain words', async () => {
    const other = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    const p = await other.newPage();
    watch(p);
    const before = rp.idTokens.length;
    await p.goto(`${rp.base}/login?login_hint=${encodeURIComponent(upn)}`);
    await p.getByRole('button', { name: 'Use a Temporary Access Pass' }).click();
    await p.getByRole('textbox', { name: 'Temporary Access Pass' }).fill(pass);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    const reason = await p.getByTestId('signin-second-reason').innerText();
    expect(reason).toContain('This app requires Phishing-resistant MFA');
    // Only the passkey is offered; no second pass, no password, and the app was not reached.
    expect(await p.getByRole('button', { name: 'Continue with passkey' }).count()).toBe(1);
    expect(await p.getByRole('button', { name: 'Use a Temporary Access Pass' }).count()).toBe(0);
    await shot(p, 'tap-needs-passkey');
    expect(rp.idTokens.length).toBe(before);
    await other.close();
    expect(problems).toEqual([]);
  });

  it('an administrator outside the onboarding group, with only a TAP, is refused in plain words (the catch-22 at the page)', async () => {
    const late = `late-admin-${crypto.randomUUID().slice(0, 6)}@latchkey.test`;
    const lateId = (await ok(server.api('/api/v1/users', { body: { displayName: 'Late Admin', userPrincipalName: late, accountEnabled: true, mailNickname: late.split('@')[0] } }), 201)).id;
    await ok(server.api('/api/v1/roleManagement/directory/roleAssignments', { body: { principalId: lateId, roleDefinitionId: GLOBAL_ADMINISTRATOR, directoryScopeId: '/' } }), 201);
    const latePass = (await ok(server.api(`/api/v1/users/${lateId}/authentication/temporaryAccessPassMethods`, { body: { isUsableOnce: false } }), 201)).temporaryAccessPass;
    const analysis = (await ok(server.api(ANALYZE, { method: 'POST' }), 200)).lockedOutUsers as LockedOut[];
    expect(analysis.find((u) => u.id === lateId)?.isGlobalAdministrator).toBe(true);

    const other = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    const p = await other.newPage();
    watch(p);
    const before = rp.idTokens.length;
    await p.goto(`${rp.base}/login?login_hint=${encodeURIComponent(late)}`);
    await p.getByRole('button', { name: 'Use a Temporary Access Pass' }).click();
    await p.getByRole('textbox', { name: 'Temporary Access Pass' }).fill(latePass);
    await p.getByRole('button', { name: 'Sign in' }).click();
    const alert = p.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('This app requires Phishing-resistant MFA');
    expect(text).toContain('Temporary Access Pass does not satisfy it');
    // Not invited to a passkey registration that Conditional Access would refuse, nor to type the pass again: the sign-in has ended.
    await p.getByText('This sign-in has ended. You can go back to the app and try again.').waitFor();
    await p.getByRole('button', { name: 'Return to the app' }).waitFor();
    expect(await p.getByRole('heading', { name: 'Set up your passkey' }).count()).toBe(0);
    expect(await p.getByRole('textbox', { name: 'Temporary Access Pass' }).count()).toBe(0);
    await shot(p, 'tap-refused');
    expect(rp.idTokens.length).toBe(before);
    await other.close();
    expect(problems).toEqual([]);
  });
});
