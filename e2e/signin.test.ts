import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, SCREENSHOTS, WEB_DIST } from './support/browser.ts';
import { startRelyingParty, type RelyingParty } from './support/relying-party.ts';

const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';
const PHISHING_RESISTANT = '00000000-0000-0000-0000-000000000004';

describe('passkey sign-in in Chromium: My Security Info, a relying party on openid-client, enumeration, lockout', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let rp: RelyingParty;
  let user: { id: string; userPrincipalName: string };
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}signin-${name}.png` });

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    const fido2 = await server.api('/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2', {
      method: 'PATCH',
      body: { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false },
    });
    expect(fido2.status).toBeLessThan(300);
    user = (await server.api('/api/v1/users', { body: { displayName: 'Grace Hopper', userPrincipalName: 'grace@latchkey.test', accountEnabled: true, mailNickname: 'grace' } })).body;
    expect(user.id).toBeTruthy();
    expect((await server.api(`/api/v1/users/${user.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`, { body: { newPassword: 'Correct-Horse-42!' } })).status).toBe(202);
    rp = await startRelyingParty(server, 'Test RP', 'the test app');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // 400/403/429 are provoked on purpose; 404s are checked by URL below (the browser's favicon probe is fine).
      if (m.type() === 'error' && !/status of (400|403|404|429) /.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 404 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()}: ${r.url()}`);
    });
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await server?.close();
  });

  it('signs in to My Security Info with the password and registers a passkey', async () => {
    await page.goto(`${server.config.issuer}/my`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(user.userPrincipalName);
    await shot('username');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    await page.getByRole('button', { name: 'Use my password instead' }).click();
    await page.getByLabel('Password').fill('Correct-Horse-42!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    expect(await page.getByTestId('my-identity').innerText()).toBe(user.userPrincipalName);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Added' }).waitFor();
    const list = page.getByRole('list', { name: 'Sign-in methods' });
    await list.getByText('Device-bound passkey').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(2); // password + passkey
    expect(await list.innerText()).toContain('Device-bound passkey');
    await shot('my-security-info');
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: Array<{ isResidentCredential: boolean }> };
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
  });

  it('renames the passkey in My Security Info', async () => {
    await page.getByRole('button', { name: /^Rename / }).click();
    await page.getByLabel('New name').fill('Work laptop');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('list', { name: 'Sign-in methods' }).getByText('Work laptop').waitFor();
  });

  it('signs in to the relying party with the passkey, username-first (login_hint): the ID token verifies and says hwk+user+mfa, phishing-resistant', async () => {
    await context.clearCookies();
    await page.goto(`${rp.base}/login?login_hint=${encodeURIComponent(user.userPrincipalName)}`);
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    expect(await page.getByTestId('signin-account').innerText()).toBe(user.userPrincipalName);
    await shot('passkey-step');
    await page.getByRole('button', { name: 'Continue with passkey' }).click();
    await page.getByRole('heading', { name: 'Signed in to the test app' }).waitFor().catch(async (e: unknown) => {
      await shot('debug-after-passkey');
      throw e;
    });
    await shot('relying-party');
    const idToken = rp.idTokens.at(-1)!;
    const { payload, protectedHeader } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${server.config.issuer}/oidc/jwks`)), { issuer: server.config.issuer, audience: rp.appId });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(user.id);
    expect(payload.amr).toEqual(['hwk', 'mfa', 'user']);
    expect(payload.acr).toBe(PHISHING_RESISTANT);
    expect(Math.abs(Number(payload.auth_time) - Date.now() / 1000)).toBeLessThan(120);
  });

  it('answers an app that asks for response_mode=form_post (ASP.NET\'s default): the browser posts the code to the app', async () => {
    const before = rp.idTokens.length;
    await page.goto(`${rp.base}/login?response_mode=form_post`); // inside the SSO session: no sign-in page, the form post at once
    await page.getByRole('heading', { name: 'Signed in to the test app' }).waitFor();
    expect(rp.idTokens.length).toBe(before + 1);
    expect((await jwtVerify(rp.idTokens.at(-1)!, createRemoteJWKSet(new URL(`${server.config.issuer}/oidc/jwks`)), { issuer: server.config.issuer, audience: rp.appId })).payload.sub).toBe(user.id);
  });

  it('answers an app that sends its authorization request by POST (OIDC Core §3.1.2.1): the SSO session is seen, no sign-in page, no new sign-in', async () => {
    const before = rp.idTokens.length;
    const logRows = async () => Number((await server.runtime.store.db.selectFrom('signin_log').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rowsBefore = await logRows();
    const methods: string[] = [];
    const onRequest = (r: import('playwright-core').Request) => {
      if (new URL(r.url()).pathname === '/oidc/authorize') methods.push(r.method());
    };
    page.on('request', onRequest);
    try {
      // The app (127.0.0.1) and Latchkey (localhost) are different sites: the POST carries no SameSite=Lax cookie, the GET after the 303 does.
      await page.goto(`${rp.base}/login?request_method=post`);
      await page.getByRole('heading', { name: 'Signed in to the test app' }).waitFor();
    } finally {
      page.off('request', onRequest);
    }
    expect(methods).toEqual(['POST', 'GET']);
    expect(rp.idTokens.length).toBe(before + 1);
    expect((JSON.parse(await page.locator('#claims').innerText()) as { sub: string }).sub).toBe(user.id);
    expect(await logRows()).toBe(rowsBefore); // the session's sign-in, not a new one
  });

  it('an app that asks for an essential acr the passkey cannot give: the page says why, and "Return to the app" brings the app unmet_authentication_requirements', async () => {
    const before = rp.idTokens.length;
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:example:loa:never'] } } });
    await page.goto(`${rp.base}/login?claims=${encodeURIComponent(claims)}`); // inside the SSO session: its passkey is carried, and is not enough
    await page.getByText('urn:example:loa:never').waitFor();
    await page.getByText('This sign-in has ended').waitFor();
    await shot('unmet-acr');
    await page.getByRole('button', { name: 'Return to the app' }).click();
    await page.getByRole('heading', { name: 'Sign-in error at the test app' }).waitFor();
    expect(await page.locator('#error').innerText()).toBe('unmet_authentication_requirements');
    expect(rp.idTokens.length).toBe(before);
    // The same app asking for a value the session meets gets it named in the ID token.
    await page.goto(`${rp.base}/login?acr_values=${encodeURIComponent('00000000-0000-0000-0000-000000000002')}`);
    await page.getByRole('heading', { name: 'Signed in to the test app' }).waitFor();
    expect((JSON.parse(await page.locator('#claims').innerText()) as { acr: string }).acr).toBe(PHISHING_RESISTANT);
  });

  it('renews silently in a hidden iframe as MSAL does (prompt=none with offline_access): a refresh token and no sign-in; without a session, login_required', async () => {
    // A second app on the same site as Latchkey (localhost), so the iframe carries the session cookie
    // as an app under the organisation's own domain would; Latchkey's pages forbid framing, so only
    // redirects may happen inside the frame.
    const spa = await startRelyingParty(server, 'Silent renewal app', 'the renewing app', 'localhost');
    try {
      const logRows = async () => Number((await server.runtime.store.db.selectFrom('signin_log').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const frame = page.frameLocator('#silent');
      const rowsBefore = await logRows();
      await page.goto(`${spa.base}/frame?prompt=none&scope=${encodeURIComponent('openid profile offline_access')}`);
      await frame.getByRole('heading', { name: 'Signed in to the renewing app' }).waitFor();
      expect(spa.refreshTokens.length).toBe(1);
      expect(JSON.parse(await frame.locator('#claims').innerText())).toMatchObject({ sub: user.id });
      expect(await logRows()).toBe(rowsBefore); // the session's sign-in, not a new one
      await shot('silent-renewal-iframe');

      // No session cookie (another browser state): the frame ends at the app with login_required.
      await context.clearCookies();
      await page.goto(`${spa.base}/frame?prompt=none&scope=${encodeURIComponent('openid profile offline_access')}`);
      await frame.getByRole('heading', { name: 'Sign-in error at the renewing app' }).waitFor();
      expect(await frame.locator('#error').innerText()).toBe('login_required');
      expect(spa.refreshTokens.length).toBe(1);
      expect(await logRows()).toBe(rowsBefore);
    } finally {
      await spa.close();
    }
  });

  it('signs in usernameless through passkey autofill (conditional UI) on the username field', async () => {
    await context.clearCookies();
    const before = rp.idTokens.length;
    await page.goto(`${rp.base}/login`);
    // Chromium's virtual authenticator answers the conditional request as if the person picked
    // the passkey from the username field's autofill list.
    await page.getByRole('heading', { name: 'Signed in to the test app' }).waitFor();
    expect(rp.idTokens.length).toBe(before + 1);
    const claims = JSON.parse(await page.locator('#claims').innerText()) as Record<string, unknown>;
    expect(claims.sub).toBe(user.id);
    expect(claims.acr).toBe(PHISHING_RESISTANT);
    expect(claims.amr).toEqual(['hwk', 'mfa', 'user']);
  });

  it('signs in usernameless with the "Sign in with a passkey" button (autofill pending, then aborted for the modal request)', async () => {
    // Presence off: the conditional (autofill) request started at page load stays pending, as when
    // a person ignores the autofill list; the button must abort it and run a modal request.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await context.clearCookies();
    const before = rp.idTokens.length;
    const challenges: string[] = [];
    const verified: string[] = [];
    // The options' bodies are read before the page gets them: read after the fact, a body can be gone once the page has signed in and left.
    const onOptions = async (route: import('playwright-core').Route) => {
      const r = await route.fetch();
      if (r.ok()) challenges.push(((await r.json()) as { options: { challenge: string } }).options.challenge);
      await route.fulfill({ response: r });
    };
    const onRequest = (r: import('playwright-core').Request) => {
      if (r.url().endsWith('/api/passkey/verify')) {
        const body = r.postDataJSON() as { response: { response: { clientDataJSON: string } } };
        verified.push((JSON.parse(Buffer.from(body.response.response.clientDataJSON, 'base64url').toString()) as { challenge: string }).challenge);
      }
    };
    await page.route('**/api/passkey/options', onOptions);
    page.on('request', onRequest);
    try {
      await page.goto(`${rp.base}/login`);
      await page.getByLabel('Username').waitFor();
      await expect.poll(() => challenges.length).toBe(1); // the autofill request's options
      await page.waitForTimeout(300); // the autofill request is now waiting in the browser
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true }); // the person will touch the key
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByRole('heading', { name: 'Signed in to the test app' }).waitFor();
    } finally {
      await page.unroute('**/api/passkey/options', onOptions);
      page.off('request', onRequest);
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    }
    // The assertion that signed in answered the button's challenge, not the autofill one.
    expect(verified).toEqual([challenges[1]]);
    expect(rp.idTokens.length).toBe(before + 1);
    const claims = JSON.parse(await page.locator('#claims').innerText()) as Record<string, unknown>;
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(['hwk', 'mfa', 'user']);
  });

  it('prompt=select_account (MSAL\'s "use another account"): the sign-in page, not an error; signing in as another person switches the session', async () => {
    const ada = (await server.api('/api/v1/users', { body: { displayName: 'Ada Lovelace', userPrincipalName: 'ada@latchkey.test', accountEnabled: true, mailNickname: 'ada' } })).body;
    expect((await server.api(`/api/v1/users/${ada.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`, { body: { newPassword: 'Analytical-Engine-1843' } })).status).toBe(202);
    // Presence off: the username field's autofill request (Grace's passkey) stays pending while Ada types her name.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    try {
      await page.goto(`${rp.base}/login?prompt=select_account`); // inside Grace's SSO session
      await page.getByLabel('Username').fill(ada.userPrincipalName);
      await shot('select-account');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Use my password instead' }).click();
      await page.getByLabel('Password').fill('Analytical-Engine-1843');
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The provider ends Grace's session with a self-submitting form (its script allowed by hash in the CSP), then resumes.
      await page.getByRole('heading', { name: 'Signed in to the test app' }).waitFor();
    } finally {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    }
    const claims = JSON.parse(await page.locator('#claims').innerText()) as { sub: string; preferred_username: string };
    expect(claims.sub).toBe(ada.id);
    expect(claims.preferred_username).toBe(ada.userPrincipalName);
  });

  it('signs out of an app that sends its logout request by POST (RP-Initiated Logout §2): the confirmation, then back to the app with its state, the session gone', async () => {
    await page.goto(`${rp.base}/logout?request_method=post&state=bye-post`);
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/oidc/logout');
    expect(await page.locator('main').innerText()).toContain('Test RP asked to sign you out.');
    await shot('logout-by-post');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Signed out of the test app' }).waitFor();
    expect(await page.locator('#state').innerText()).toBe('bye-post');
    await page.goto(`${rp.base}/login?prompt=none`);
    await page.getByRole('heading', { name: 'Sign-in error at the test app' }).waitFor();
    expect(await page.locator('#error').innerText()).toBe('login_required');
  });

  it('an app that is not registered: a page that says so in plain words, not raw JSON', async () => {
    const q = new URLSearchParams({ client_id: crypto.randomUUID(), response_type: 'code', scope: 'openid', redirect_uri: 'https://unknown.example/cb', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' });
    await page.goto(`${server.config.issuer}/oidc/authorize?${q}`);
    await page.getByRole('heading', { name: 'This app is not known here' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('invalid_client');
    await shot('unknown-app');
  });

  it('switches to a browser profile whose authenticator holds no passkey (so autofill stays quiet)', async () => {
    await context.close();
    context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: unknown[] };
    expect(credentials).toEqual([]);
  });

  it('enumeration: an unknown name sees exactly what a user without a passkey sees', async () => {
    const noPasskey = (await server.api('/api/v1/users', { body: { displayName: 'No Passkey', userPrincipalName: 'nopasskey@latchkey.test', accountEnabled: true, mailNickname: 'nopasskey' } })).body;
    const seen: string[] = [];
    for (const name of [noPasskey.userPrincipalName, 'nobody@latchkey.test']) {
      await context.clearCookies();
      await page.goto(`${rp.base}/login`);
      await page.getByLabel('Username').fill(name);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Continue with passkey' }).click();
      await page.getByRole('alert').waitFor();
      seen.push((await page.locator('main').innerText()).replace(name, '<name>'));
      if (seen.length === 2) await shot('unknown-user');
    }
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]).toContain('Use your passkey');
  });

  it('locks the account after 10 wrong passwords and says so in plain words', async () => {
    await context.clearCookies();
    await page.goto(`${rp.base}/login`);
    await page.getByLabel('Username').fill(user.userPrincipalName);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Use my password instead' }).click();
    for (let i = 0; i < 10; i++) {
      await page.getByLabel('Password').fill(`wrong-password-${i}`);
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/password'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect((await answered).status()).toBe(400);
      await page.getByRole('alert').filter({ hasText: 'Your account or password is incorrect.' }).waitFor();
    }
    await page.getByLabel('Password').fill('Correct-Horse-42!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'temporarily locked' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/Try again in \d+ seconds/);
    await shot('locked');
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
