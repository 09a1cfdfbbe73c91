import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestAttestationCa, createTestCa, mdsEntry, signMdsBlob } from '@latchkey/authenticator';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.ts';
import { ensureWebBuild, launchChromium, openConsolePage, SCREENSHOTS, WEB_DIST } from './support/browser.ts';

const FIDO2 = '/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2';
const FIDO2_TYPE = '#microsoft.graph.fido2AuthenticationMethodConfiguration';
const ACME = '6c1d9a3e-5b7f-4e21-8d90-a1b2c3d4e5f6';
const STRENGTHS = '/api/v1/identity/conditionalAccess/authenticationStrength/policies';

/**
 * Authentication methods in the Control Center, in real Chromium against a real server (PGlite):
 * the Fido2 editor (state, group targets, attestation, blocked AAGUIDs with their metadata names)
 * as the API then reports it, If-Match conflicts and validation messages, FIDO metadata upload
 * and trust anchors, custom authentication strengths, named locations.
 */
describe('Authentication methods console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let groupId: string;
  let mdsRoot: Awaited<ReturnType<typeof createTestCa>>;
  let signer: Awaited<ReturnType<Awaited<ReturnType<typeof createTestCa>>['issue']>>;
  const problems: string[] = [];
  /** The whole page: the viewport grows to the content for the shot (the shell's sidebar is viewport-high). */
  const shot = async (name: string) => {
    const height = await page.evaluate(() => document.querySelector('main')?.scrollHeight ?? 900);
    await page.setViewportSize({ width: 1360, height: Math.min(Math.max(900, height + 80), 2400) });
    await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
    await page.setViewportSize({ width: 1360, height: 900 });
  };
  const blob = (no: number, key = signer.privateKey) =>
    signMdsBlob({
      entries: [mdsEntry({ aaguid: ACME, description: 'Acme Key 5 NFC', attestationRootCertificates: [] })],
      signerKey: key,
      signerChainPem: [signer.pem],
      no,
      nextUpdate: '2027-01-15',
    });

  beforeAll(async () => {
    ensureWebBuild();
    server = await startTestServer('pglite', {}, { webDist: WEB_DIST });
    browser = await launchChromium();
    // 400 (validation), 404 (unknown user), 409 (in use), 412 (stale If-Match) are provoked on purpose.
    page = await openConsolePage(browser, problems, { height: 900, timeout: 20_000, expectedStatus: /status of (400|404|409|412) / });
    page.on('dialog', (d) => void d.accept());
    const group = await server.api('/api/v1/groups', {
      body: { displayName: 'Security key pilot', mailEnabled: false, mailNickname: 'sk-pilot', securityEnabled: true },
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    expect((await server.api(FIDO2, { method: 'PATCH', body: { '@odata.type': FIDO2_TYPE, isAttestationEnforced: false } })).status).toBe(
      204,
    );
    // Metadata names the Acme AAGUID, so the key restriction list can show it.
    mdsRoot = await createTestCa('C=US, O=Console Test MDS, CN=Console MDS Root');
    signer = await mdsRoot.issue('C=US, O=Console Test MDS, CN=mds.console.test');
    expect(
      (
        await server.api('/api/v1/passkeys/trustAnchors', {
          body: { displayName: 'Console MDS root', certificatePem: mdsRoot.pem, usage: 'metadata' },
        })
      ).status,
    ).toBe(201);
    expect((await server.api('/api/v1/passkeys/metadata', { body: blob(5), headers: { 'content-type': 'application/jwt' } })).status).toBe(
      200,
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists every method with its state', async () => {
    await page.goto(`${server.url}/admin/signin?next=${encodeURIComponent('/admin/methods')}`);
    await page.getByLabel('Bearer token').fill(await server.token());
    await page.getByRole('button', { name: 'Sign in' }).click();
    const table = page.getByRole('table', { name: 'Authentication methods' });
    await table.waitFor();
    expect(await table.getByRole('row', { name: /Passkeys \(FIDO2\)/ }).innerText()).toContain('Disabled');
    expect(await table.getByRole('row', { name: /^Password/ }).innerText()).toContain('Enabled');
    expect(await table.getByRole('row').count()).toBe(10);
    await shot('methods-list');
  });

  it('enables Fido2 for a group with attestation enforced and a blocked AAGUID; the API reflects it', async () => {
    await page.getByRole('link', { name: 'Passkeys (FIDO2)' }).click();
    await page.getByRole('heading', { name: 'Passkeys (FIDO2)' }).waitFor();
    await page.getByRole('switch', { name: 'Enable this method' }).click();
    await page.getByRole('button', { name: 'Remove All users from included' }).click();
    await page.getByLabel('Add a group to include').fill('Security');
    await page.getByRole('button', { name: 'Add Security key pilot' }).click();
    await page.getByRole('list', { name: 'Included targets' }).getByText('Security key pilot').waitFor();
    await page.getByRole('switch', { name: /Enforce attestation/ }).click();
    await page.getByRole('switch', { name: 'Enforce key restrictions' }).click();
    await page.getByLabel('Blocked (all others allowed)').check();
    await page.getByLabel('Add AAGUID').fill('not-a-guid');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('An AAGUID is a GUID').waitFor();
    await page.getByLabel('Add AAGUID').fill(ACME.toUpperCase());
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const aaguids = page.getByRole('list', { name: 'Key restriction AAGUIDs' });
    await aaguids.getByText('Acme Key 5 NFC').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await shot('methods-fido2');

    const stored = (await server.api(FIDO2)).body;
    expect(stored).toMatchObject({
      state: 'enabled',
      isAttestationEnforced: true,
      keyRestrictions: { isEnforced: true, enforcementType: 'block', aaGuids: [ACME] },
      includeTargets: [{ targetType: 'group', id: groupId }],
    });
  });

  it('a change made elsewhere meanwhile is a 412 with a reload; a bad TAP lifetime is the API message', async () => {
    await page.getByRole('switch', { name: /Allow self-service registration/ }).click();
    expect(
      (
        await server.api(FIDO2, {
          method: 'PATCH',
          body: { '@odata.type': FIDO2_TYPE, isSelfServiceRegistrationAllowed: true, excludeTargets: [], isAttestationEnforced: false },
        })
      ).status,
    ).toBe(204);
    await page.getByRole('button', { name: 'Save' }).click();
    const problem = page.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('Someone else changed this since you opened it');
    expect((await server.api(FIDO2)).body).toMatchObject({ isSelfServiceRegistrationAllowed: true, isAttestationEnforced: false });
    await problem.getByRole('button', { name: 'Reload' }).click();
    await problem.waitFor({ state: 'detached' });
    expect(await page.getByRole('switch', { name: /Enforce attestation/ }).getAttribute('aria-checked')).toBe('false');

    await page.getByRole('link', { name: 'Back to methods' }).click();
    await page.getByRole('link', { name: 'Temporary Access Pass' }).click();
    await page.getByLabel('Minimum lifetime (minutes)').fill('600');
    await page.getByLabel('Maximum lifetime (minutes)').fill('120');
    await page.getByRole('button', { name: 'Save' }).click();
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/minimum|maximum|lifetime/i);
    expect(await problem.innerText()).toContain('HTTP 400');
    await shot('methods-tap-error');

    // A valid change saves; Revert to default puts Entra's default back (DELETE with If-Match).
    const TAP = '/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass';
    await page.getByLabel('Minimum lifetime (minutes)').fill('60');
    await page.getByLabel('Maximum lifetime (minutes)').fill('240');
    await page.getByRole('switch', { name: /One-time use/ }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await server.api(TAP)).body).toMatchObject({ minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 240, isUsableOnce: true });
    await page.getByRole('button', { name: 'Revert to default' }).click();
    await page.getByRole('status').filter({ hasText: 'Reverted to the default configuration.' }).waitFor();
    expect((await server.api(TAP)).body).toMatchObject({ maximumLifetimeInMinutes: 480, isUsableOnce: false });
    // The form is refilled from the reloaded configuration after the status shows: wait for it.
    await expect.poll(() => page.getByLabel('Maximum lifetime (minutes)').inputValue()).toBe('480');
  });

  it('passkey profiles: synced for everyone by default, an attested allow-list profile granted to the pilot group', async () => {
    await page.getByRole('link', { name: 'Back to methods' }).click();
    await page.getByRole('link', { name: 'Passkeys (FIDO2)' }).click();
    await page.getByRole('button', { name: 'Use passkey profiles' }).click();
    const def = page.getByRole('group', { name: 'Passkey profile Default passkey profile' });
    await def.getByLabel('Passkey types').selectOption('deviceBound,synced');
    await def.getByLabel('Attestation').selectOption('disabled');
    await page.getByRole('button', { name: 'Add profile' }).click();
    await page.getByRole('group', { name: 'Passkey profile Profile 2' }).getByLabel('Profile name').fill('Pilot keys');
    const pilot = page.getByRole('group', { name: 'Passkey profile Pilot keys' });
    await pilot.getByLabel('Attestation').selectOption('registrationOnly');
    await pilot.getByRole('switch', { name: 'Enforce key restrictions in Pilot keys' }).click();
    await pilot.getByLabel('Listed authenticators are').selectOption('allow');
    await pilot.getByLabel('Add AAGUID').fill(ACME);
    await pilot.getByRole('button', { name: 'Add', exact: true }).click();
    await pilot.getByText('Acme Key 5 NFC').waitFor();
    await page.getByRole('group', { name: 'Passkey profiles for Security key pilot' }).getByLabel('Pilot keys').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await shot('methods-fido2-profiles');

    const stored = (await server.api(FIDO2)).body;
    expect(stored.passkeyProfiles).toHaveLength(2);
    const pilotProfile = stored.passkeyProfiles.find((p: { name: string }) => p.name === 'Pilot keys');
    expect(pilotProfile).toMatchObject({
      passkeyTypes: 'deviceBound',
      attestationEnforcement: 'registrationOnly',
      keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [ACME] },
    });
    expect(stored.passkeyProfiles.find((p: { id: string }) => p.id === '00000000-0000-0000-0000-000000000001')).toMatchObject({
      passkeyTypes: 'deviceBound,synced',
      attestationEnforcement: 'disabled',
    });
    expect(stored.includeTargets).toMatchObject([{ id: groupId, allowedPasskeyProfiles: [pilotProfile.id] }]);

    // A profile a target still grants cannot be removed: the server's check says why, nothing changes.
    await pilot.getByRole('button', { name: 'Remove Pilot keys' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    const problem = page.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.innerText()).toContain("Passkey profile 'Pilot keys'");
    expect((await server.api(FIDO2)).body.passkeyProfiles).toHaveLength(2);
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await pilot.waitFor();
  });

  it('refuses a forged MDS3 blob with the reason, imports a good one, and adds a trust anchor PEM', async () => {
    await page.getByRole('link', { name: 'Passkey trust' }).click();
    await page.getByRole('heading', { name: 'FIDO metadata (MDS3)' }).waitFor();
    const other = await mdsRoot.issue('C=US, O=Console Test MDS, CN=forger');
    const file = page.getByLabel('MDS3 BLOB file');
    await file.setInputFiles({ name: 'forged.jwt', mimeType: 'application/jwt', buffer: Buffer.from(blob(6, other.privateKey)) });
    await page.getByRole('button', { name: 'Import metadata' }).click();
    await page.getByText('Signature check failed').waitFor();
    expect(await page.getByTestId('problem').innerText()).toContain('The metadata BLOB signature does not verify.');
    await shot('methods-trust-error');

    await file.setInputFiles({ name: 'mds.jwt', mimeType: 'application/jwt', buffer: Buffer.from(blob(6)) });
    await page.getByRole('button', { name: 'Import metadata' }).click();
    const result = page.getByTestId('mds-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('1 FIDO2 entry, next update 15 Jan 2027');
    expect(await result.innerText()).toContain('Legal header: Retrieval and use of this BLOB');

    const vendor = await createTestAttestationCa({ aaguid: ACME, name: 'Acme Keys' });
    const form = page.getByRole('form', { name: 'Add a trust anchor' });
    await form.getByLabel('Name').fill('Acme attestation root');
    await form.getByLabel('Certificate (PEM)').fill('not a certificate');
    await form.getByRole('button', { name: 'Add trust anchor' }).click();
    await form.getByTestId('problem').waitFor();
    await form.getByLabel('Certificate (PEM)').fill(vendor.root.pem);
    await form.getByRole('button', { name: 'Add trust anchor' }).click();
    const anchors = page.getByRole('table', { name: 'Trust anchors' });
    await anchors.getByRole('row', { name: /Acme attestation root/ }).waitFor();
    expect(await anchors.getByRole('row', { name: /Acme attestation root/ }).innerText()).toContain('Attestation root');
    const listed = (await server.api('/api/v1/passkeys/trustAnchors?usage=attestation')).body.value;
    expect(listed).toHaveLength(1);
    expect(listed[0].subject).toBe(
      (
        await anchors
          .getByRole('row', { name: /Acme attestation root/ })
          .locator('td')
          .nth(2)
          .innerText()
      ).trim(),
    );
    await shot('methods-trust');

    await anchors.getByRole('button', { name: 'Delete Acme attestation root' }).click();
    await anchors.getByRole('row', { name: /Acme attestation root/ }).waitFor({ state: 'detached' });
    expect((await server.api('/api/v1/passkeys/trustAnchors?usage=attestation')).body.value).toEqual([]);
  });

  it('creates a custom strength (validation shown), and refuses to delete it while a policy uses it', async () => {
    await page.getByRole('link', { name: 'Authentication strengths' }).click();
    await page
      .getByRole('table', { name: 'Authentication strengths' })
      .getByRole('row', { name: /Phishing-resistant MFA/ })
      .waitFor();
    await page.getByRole('button', { name: 'New custom strength' }).click();
    const form = page.getByRole('form', { name: 'New custom strength' });
    await form.getByLabel('Name').fill('Acme keys only');
    await form.getByRole('button', { name: 'Create strength' }).click();
    await form.getByTestId('problem').waitFor();
    expect(await form.getByTestId('problem').innerText()).toContain('allowedCombinations must name at least one combination.');
    await form.getByLabel('fido2', { exact: true }).check();
    await form.getByLabel('Add AAGUID').fill(ACME);
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByText('Acme Key 5 NFC').waitFor();
    await form.getByRole('button', { name: 'Create strength' }).click();
    const table = page.getByRole('table', { name: 'Authentication strengths' });
    const row = table.getByRole('row', { name: /Acme keys only/ });
    await row.waitFor();
    const custom = (await server.api(`${STRENGTHS}?$filter=policyType eq 'custom'`)).body.value;
    expect(custom).toHaveLength(1);
    expect(custom[0]).toMatchObject({
      displayName: 'Acme keys only',
      allowedCombinations: ['fido2'],
      combinationConfigurations: [{ allowedAAGUIDs: [ACME] }],
    });

    const policy = await server.api('/api/v1/identity/conditionalAccess/policies', {
      body: {
        displayName: 'Pilot needs Acme keys',
        state: 'disabled',
        conditions: { users: { includeGroups: [groupId] }, applications: { includeApplications: ['All'] } },
        grantControls: { operator: 'OR', authenticationStrength: { id: custom[0].id } },
      },
    });
    expect(policy.status).toBe(201);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByText('Pilot needs Acme keys').waitFor();
    await row.getByRole('button', { name: 'Delete Acme keys only' }).click();
    const problem = page.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('“Acme keys only” was not deleted');
    expect(await problem.innerText()).toContain('is used by Conditional Access policies (Pilot needs Acme keys) and cannot be deleted');
    expect((await server.api(`${STRENGTHS}/${custom[0].id}`)).status).toBe(200);
    await shot('methods-strengths');
  });

  it('narrowing a strength an enabled policy enforces is guarded: 409 lockout risk, applied only after "Apply anyway"', async () => {
    const pilot = await server.api('/api/v1/users', {
      body: { userPrincipalName: 'pia.pilot@latchkey.local', displayName: 'Pia Pilot', accountEnabled: true },
    });
    expect(pilot.status).toBe(201);
    const pw = await server.api(
      `/api/v1/users/${pilot.body.id}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword`,
      {
        body: { newPassword: 'Correct-Horse-Battery-9' },
      },
    );
    expect(pw.status).toBe(202);
    const ref = await server.api(`/api/v1/groups/${groupId}/members/$ref`, {
      body: { '@odata.id': `${server.url}/api/v1/directoryObjects/${pilot.body.id}` },
    });
    expect(ref.status).toBe(204);
    const strength = await server.api(STRENGTHS, {
      body: { displayName: 'Password for pilots', allowedCombinations: ['password', 'password,hardwareOath'] },
    });
    expect(strength.status).toBe(201);
    const policy = await server.api('/api/v1/identity/conditionalAccess/policies', {
      body: {
        displayName: 'Pilots sign in with a password',
        state: 'enabled',
        conditions: { users: { includeGroups: [groupId] }, applications: { includeApplications: ['All'] } },
        grantControls: { operator: 'OR', authenticationStrength: { id: strength.body.id } },
      },
    });
    expect(policy.status).toBe(201);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: 'Edit Password for pilots' }).click();
    const form = page.getByRole('form', { name: 'Edit Password for pilots' });
    await form.getByLabel('password', { exact: true }).uncheck();
    await form.getByRole('button', { name: 'Save strength' }).click();
    const risk = form.getByTestId('lockout-risk');
    await risk.waitFor();
    expect(await risk.innerText()).toContain('This change would lock people out');
    expect(await risk.getByRole('list', { name: 'Newly locked out' }).innerText()).toContain('pia.pilot@latchkey.local');
    expect((await server.api(`${STRENGTHS}/${strength.body.id}`)).body.allowedCombinations).toEqual(['password', 'password,hardwareOath']);
    await shot('methods-strength-lockout');
    await risk.getByRole('button', { name: 'Apply anyway' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await server.api(`${STRENGTHS}/${strength.body.id}`)).body.allowedCombinations).toEqual(['password,hardwareOath']);
  });

  it('checks which methods one user may use and why', async () => {
    await page.getByRole('navigation', { name: 'Authentication methods' }).getByRole('link', { name: 'Methods' }).click();
    const form = page.getByRole('form', { name: 'Check a user' });
    await form.getByLabel('User (id or user principal name)').fill('nobody@latchkey.local');
    await form.getByRole('button', { name: 'Check' }).click();
    await form.getByText('Could not check that user').waitFor();
    await form.getByLabel('User (id or user principal name)').fill('pia.pilot@latchkey.local');
    await form.getByRole('button', { name: 'Check' }).click();
    const table = form.getByRole('table', { name: 'Methods for pia.pilot@latchkey.local' });
    await table.waitFor();
    expect(await table.getByRole('row', { name: /Passkeys \(FIDO2\)/ }).innerText()).toMatch(/Yes/);
    expect(await table.getByRole('row', { name: /Hardware OATH tokens/ }).innerText()).toMatch(/\bNo\b/);
    expect(await form.innerText()).toContain('Passkey profiles: Pilot keys');
    await shot('methods-user-check');
  });

  it('adds a trusted named location', async () => {
    await page.getByRole('link', { name: 'Named locations' }).click();
    await page.getByText('No named locations yet.').waitFor();
    const form = page.getByRole('form', { name: 'New IP location' });
    await form.getByLabel('Name').fill('Head office');
    await form.getByLabel(/IP ranges/).fill('198.51.100.0/24, 2001:db8::/48');
    await form.getByLabel('Mark as trusted location').check();
    await form.getByRole('button', { name: 'Add location' }).click();
    const row = page.getByRole('table', { name: 'Named locations' }).getByRole('row', { name: /Head office/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('Trusted');
    const stored = (await server.api('/api/v1/identity/conditionalAccess/namedLocations')).body.value;
    expect(stored).toMatchObject([
      { displayName: 'Head office', isTrusted: true, ipRanges: [{ cidrAddress: '198.51.100.0/24' }, { cidrAddress: '2001:db8::/48' }] },
    ]);
    await shot('methods-locations');

    // A trusted location must be untrusted before it can be deleted (the API's rule, said plainly).
    await row.getByRole('button', { name: 'Delete Head office' }).click();
    await page.getByTestId('problem').getByText('A trusted named location cannot be deleted').waitFor();
    await row.getByRole('button', { name: 'Untrust' }).click();
    await row.getByRole('button', { name: 'Trust', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Delete Head office' }).click();
    await page.getByText('No named locations yet.').waitFor();
    expect((await server.api('/api/v1/identity/conditionalAccess/namedLocations')).body.value).toEqual([]);
  });

  it('fits a narrow window without sideways scrolling of the page', async () => {
    for (const path of ['/admin/methods/Fido2', '/admin/methods/strengths', '/admin/methods/trust']) {
      await page.setViewportSize({ width: 420, height: 860 });
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: 'Authentication methods' }).waitFor();
      // Every loading indicator gone (the trust page loads two panels at once, so there may be two).
      await page.waitForFunction(() => ![...document.querySelectorAll('[role="status"]')].some((e) => /Loading/.test(e.textContent ?? '')));
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('main *')]
          .filter((e) => e.getBoundingClientRect().right > 421 && !e.closest('.table-card, .methods-scroll'))
          .slice(0, 5)
          .map((e) => `${e.tagName}.${e.className}`),
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} ${wide.join(' ')}`).toBeLessThanOrEqual(420);
    }
    await page.goto(`${server.url}/admin/methods/Fido2`);
    await page.getByRole('switch', { name: 'Enable this method' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}methods-narrow.png` });
    await page.setViewportSize({ width: 1360, height: 900 });
    expect(problems).toEqual([]);
  });
});
