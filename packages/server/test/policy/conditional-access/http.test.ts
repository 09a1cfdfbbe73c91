import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../support/stores.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { addMember, insertGroup, insertUser } from '../fixtures.ts';
import { evaluateSignIn } from '../../../src/policy/conditional-access/evaluateSignIn.ts';
import { GA, MFA, PHISHING } from './helpers.ts';

const CA = '/api/v1/identity/conditionalAccess';
const STRENGTHS = `${CA}/authenticationStrength/policies`;
const YUBI = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

/** An Entra export as the portal's "Download" gives it: read-only fields and null conditions included. */
const ENTRA_EXPORT = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies/$entity',
  id: '0f5bd1a4-0000-4000-8000-000000000000',
  templateId: null,
  displayName: 'CA001 Require MFA for everyone (exported)',
  createdDateTime: '2024-05-01T10:00:00Z',
  modifiedDateTime: null,
  state: 'enabledForReportingButNotEnforced',
  sessionControls: null,
  conditions: {
    userRiskLevels: [],
    signInRiskLevels: [],
    clientAppTypes: ['all'],
    servicePrincipalRiskLevels: [],
    platforms: null,
    locations: null,
    times: null,
    deviceStates: null,
    devices: null,
    clientApplications: null,
    applications: {
      includeApplications: ['All'],
      excludeApplications: [],
      includeUserActions: [],
      includeAuthenticationContextClassReferences: [],
      applicationFilter: null,
    },
    users: {
      includeUsers: ['All'],
      excludeUsers: [],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
      includeGuestsOrExternalUsers: null,
      excludeGuestsOrExternalUsers: null,
    },
  },
  grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [] },
};

for (const kind of STORE_KINDS) {
  describe(`Conditional Access over HTTP [${kind}]`, () => {
    let server: TestServer;
    let reader: string;
    const db = () => server.runtime.store.db;
    const policyCount = async () => (await db().selectFrom('ca_policies').select('id').execute()).length;
    beforeAll(async () => {
      server = await startTestServer(kind);
      reader = await server.token({ roles: ['Global Reader'] });
    });
    afterAll(async () => server?.close());

    it('lists the three built-in strengths; $filter=policyType; built-ins are read-only', async () => {
      const all = await server.api(STRENGTHS);
      expect(all.status).toBe(200);
      expect(all.body.value.map((s: { id: string }) => s.id)).toEqual([MFA, '00000000-0000-0000-0000-000000000003', PHISHING]);
      const builtIn = await server.api(`${STRENGTHS}?$filter=${encodeURIComponent("policyType eq 'builtIn'")}`);
      const v1 = await server.api(`/api/v1/policies/authenticationStrengthPolicies/${PHISHING}`);
      expect(v1.body).toMatchObject({ id: PHISHING, displayName: 'Phishing-resistant MFA', policyType: 'builtIn' });
      expect(builtIn.body.value).toHaveLength(3);
      expect((await server.api(`${STRENGTHS}?$filter=${encodeURIComponent("displayName eq 'x'")}`)).status).toBe(400);
      const patch = await server.api(`${STRENGTHS}/${PHISHING}`, { method: 'PATCH', body: { displayName: 'mine' } });
      expect(patch.status).toBe(400);
      expect((await server.api(`${STRENGTHS}/${PHISHING}`, { method: 'DELETE' })).status).toBe(400);
      const combos = await server.api(`${CA}/authenticationStrength/combinations`);
      expect(combos.body.value).toContain('password,softwareOath');
    });

    it('custom strengths: validated combinations, AAGUID restriction on custom only, usage, delete protection', async () => {
      const bad = await server.api(STRENGTHS, { body: { displayName: 'Bad', allowedCombinations: ['fido2,sms'] } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('fido2,sms');
      const created = await server.api(STRENGTHS, { body: { displayName: 'Keys only', allowedCombinations: ['fido2'] } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ policyType: 'custom', requirementsSatisfied: 'mfa', allowedCombinations: ['fido2'] });
      const id = created.body.id as string;
      const onBuiltIn = await server.api(`${STRENGTHS}/${PHISHING}/combinationConfigurations`, {
        body: { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', allowedAAGUIDs: [YUBI], appliesToCombinations: ['fido2'] },
      });
      expect(onBuiltIn.status).toBe(400);
      const wrongApplies = await server.api(`${STRENGTHS}/${id}/combinationConfigurations`, {
        body: {
          '@odata.type': '#microsoft.graph.fido2CombinationConfiguration',
          allowedAAGUIDs: [YUBI],
          appliesToCombinations: ['password'],
        },
      });
      expect(wrongApplies.status).toBe(400);
      const config = await server.api(`${STRENGTHS}/${id}/combinationConfigurations`, {
        body: { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', allowedAAGUIDs: [YUBI], appliesToCombinations: ['fido2'] },
      });
      expect(config.status).toBe(201);
      expect((await server.api(`${STRENGTHS}/${id}`)).body.combinationConfigurations[0].allowedAAGUIDs).toEqual([YUBI]);
      const singleFactor = await server.api(STRENGTHS, { body: { displayName: 'Password only', allowedCombinations: ['password'] } });
      expect(singleFactor.body.requirementsSatisfied).toBe('none');
      // A report-only policy references it; usage lists it; delete is refused.
      const p = await server.api(`${CA}/policies`, {
        body: {
          displayName: 'Keys for admins',
          state: 'enabledForReportingButNotEnforced',
          conditions: { users: { includeRoles: [GA] }, applications: { includeApplications: ['All'] } },
          grantControls: { operator: 'OR', authenticationStrength: { id } },
        },
      });
      expect(p.status).toBe(201);
      expect(p.body.grantControls.authenticationStrength).toMatchObject({ id, displayName: 'Keys only', allowedCombinations: ['fido2'] });
      const usage = await server.api(`${STRENGTHS}/${id}/usage`);
      expect(usage.body.mfa.map((x: { id: string }) => x.id)).toEqual([p.body.id]);
      const del = await server.api(`${STRENGTHS}/${id}`, { method: 'DELETE' });
      expect(del.status).toBe(409);
      expect((await server.api(`${STRENGTHS}/${id}`)).status).toBe(200);
    });

    it('at most 15 custom strengths', async () => {
      const existing = (await server.api(`${STRENGTHS}?$filter=${encodeURIComponent("policyType eq 'custom'")}`)).body.value
        .length as number;
      for (let i = existing; i < 15; i++)
        expect((await server.api(STRENGTHS, { body: { displayName: `S${i}`, allowedCombinations: ['fido2'] } })).status).toBe(201);
      const over = await server.api(STRENGTHS, { body: { displayName: 'S16', allowedCombinations: ['fido2'] } });
      expect(over.status).toBe(400);
      expect(over.body.error.message).toContain('15');
    });

    it('an Entra export pastes in and comes back as-is (nulls and arrays filled)', async () => {
      const r = await server.api(`${CA}/policies`, { body: ENTRA_EXPORT });
      expect(r.status).toBe(201);
      expect(r.body.id).not.toBe(ENTRA_EXPORT.id);
      expect(r.body).toMatchObject({
        displayName: ENTRA_EXPORT.displayName,
        state: 'enabledForReportingButNotEnforced',
        conditions: {
          times: null,
          devices: null,
          platforms: null,
          applications: ENTRA_EXPORT.conditions.applications,
          users: ENTRA_EXPORT.conditions.users,
        },
        grantControls: { operator: 'OR', builtInControls: ['mfa'] },
      });
      const got = await server.api(`${CA}/policies/${r.body.id}`);
      expect(got.body).toMatchObject({ conditions: ENTRA_EXPORT.conditions });
      const audit = await server.api(`/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent("category eq 'Policy'")}`);
      expect(audit.status).toBe(200);
      expect(audit.body.value.some((e: { activityDisplayName: string }) => e.activityDisplayName === 'Add conditional access policy')).toBe(
        true,
      );
    });

    it('invalid compositions are 400 with every broken rule named, and nothing is written', async () => {
      const before = await policyCount();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ grantControls: { operator: 'AND', builtInControls: ['mfa'], authenticationStrength: { id: PHISHING } } }, "can't be combined"],
        [{ grantControls: { builtInControls: ['block', 'mfa'] } }, 'block'],
        [{ grantControls: { operator: 'XOR', builtInControls: ['mfa'] } }, 'operator'],
        [
          {
            grantControls: { builtInControls: ['mfa'] },
            conditions: {
              users: { includeUsers: ['All'] },
              applications: { includeApplications: ['All'], includeUserActions: ['urn:user:registersecurityinfo'] },
            },
          },
          'not both',
        ],
        [
          {
            grantControls: { builtInControls: ['compliantDevice'] },
            conditions: { users: { includeUsers: ['All'] }, applications: { includeUserActions: ['urn:user:registerdevice'] } },
          },
          'registerdevice',
        ],
        [{ grantControls: { authenticationStrength: { id: '12345678-1234-4234-8234-123456789012' } } }, 'does not exist'],
        [
          {
            grantControls: { builtInControls: ['mfa'] },
            conditions: {
              users: { includeUsers: ['All'] },
              applications: { includeApplications: ['All'] },
              platforms: { includePlatforms: ['amiga'] },
            },
          },
          'platform',
        ],
        [
          {
            grantControls: { builtInControls: ['mfa'] },
            conditions: {
              users: { includeUsers: ['All'] },
              applications: { includeApplications: ['All'] },
              locations: { includeLocations: ['12345678-1234-4234-8234-123456789012'] },
            },
          },
          'named location',
        ],
        [
          { grantControls: { builtInControls: ['mfa'] }, conditions: { users: {}, applications: { includeApplications: ['All'] } } },
          'conditions.users',
        ],
        [
          {
            grantControls: { builtInControls: ['mfa'] },
            conditions: {
              users: { includeUsers: ['All'] },
              applications: { includeApplications: ['All'] },
              devices: { deviceFilter: { mode: 'include', rule: 'x' } },
            },
          },
          'devices',
        ],
        [
          {
            grantControls: { builtInControls: ['mfa'] },
            sessionControls: { signInFrequency: { isEnabled: true, type: 'hours', value: 48 } },
          },
          'signInFrequency',
        ],
        [{ grantControls: null }, 'grant control'],
        [{ grantControls: { builtInControls: ['passwordChange'] } }, 'passwordChange'],
      ];
      for (const [over, fragment] of cases) {
        const body = {
          displayName: 'bad',
          state: 'disabled',
          conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
          ...over,
        };
        const r = await server.api(`${CA}/policies`, { body });
        expect(r.status, JSON.stringify(over)).toBe(400);
        expect(r.body.error.message, JSON.stringify(over)).toContain(fragment);
      }
      expect(await policyCount()).toBe(before);
    });

    it('an enabled policy that would lock out the acting admin is 409 unless ?confirmLockout=true; PATCH and DELETE are guarded too', async () => {
      const body = {
        displayName: 'Everyone needs phishing-resistant',
        state: 'disabled',
        conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
        grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING } },
      };
      const created = await server.api(`${CA}/policies`, { body });
      expect(created.status).toBe(201);
      const enable = await server.api(`${CA}/policies/${created.body.id}`, { method: 'PATCH', body: { state: 'enabled' } });
      expect(enable.status).toBe(409);
      expect(enable.body.error.details.code).toBe('LockoutRisk');
      expect(enable.body.error.details.actingAdministrator).not.toBeNull();
      expect((await server.api(`${CA}/policies/${created.body.id}`)).body.state).toBe('disabled');
      const confirmed = await server.api(`${CA}/policies/${created.body.id}?confirmLockout=true`, {
        method: 'PATCH',
        body: { state: 'enabled' },
      });
      expect(confirmed.status).toBe(204);
      expect((await server.api(`${CA}/policies/${created.body.id}`)).body.state).toBe('enabled');
      // Removing it unlocks people: no guard needed.
      expect((await server.api(`${CA}/policies/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
    });

    it('What If (Graph beta shape): applies, users, application, notEnoughInformation, policyNotEnabled', async () => {
      const loc = await server.api(`${CA}/namedLocations`, {
        body: {
          '@odata.type': '#microsoft.graph.ipNamedLocation',
          displayName: 'HQ',
          isTrusted: true,
          ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
        },
      });
      expect(loc.status).toBe(201);
      const userId = await insertUser(db(), 'whatif@example.test');
      const mk = async (b: Record<string, unknown>) =>
        (
          await server.api(`${CA}/policies`, {
            body: { state: 'enabledForReportingButNotEnforced', grantControls: { builtInControls: ['block'] }, ...b },
          })
        ).body.id as string;
      const outside = await mk({
        displayName: 'Block outside HQ',
        conditions: {
          users: { includeUsers: [userId] },
          applications: { includeApplications: ['All'] },
          locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted', loc.body.id] },
        },
      });
      const other = await mk({
        displayName: 'Somebody else',
        conditions: { users: { includeUsers: ['11111111-2222-4333-8444-555555555555'] }, applications: { includeApplications: ['All'] } },
      });
      const android = await mk({
        displayName: 'Android only',
        conditions: {
          users: { includeUsers: ['All'] },
          applications: { includeApplications: ['All'] },
          platforms: { includePlatforms: ['android'] },
        },
      });
      const appOnly = await mk({
        displayName: 'Other app',
        conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['not-this-app'] } },
      });
      const off = await mk({
        displayName: 'Off',
        state: 'disabled',
        conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
      });
      const ask = (conditions: Record<string, unknown>) =>
        server.api(`${CA}/evaluate`, {
          body: {
            signInIdentity: { '@odata.type': '#microsoft.graph.userSignIn', userId },
            signInContext: { '@odata.type': '#microsoft.graph.applicationContext', includeApplications: ['some-app'] },
            signInConditions: conditions,
          },
        });
      const r = await ask({ ipAddress: '203.0.113.5' });
      expect(r.status).toBe(200);
      const by = (id: string) => r.body.value.find((x: { id: string }) => x.id === id);
      expect(by(outside)).toMatchObject({ policyApplies: true, analysisReasons: 'notSet', state: 'enabledForReportingButNotEnforced' });
      expect(by(other)).toMatchObject({ policyApplies: false, analysisReasons: 'users' });
      expect(by(android)).toMatchObject({ policyApplies: false, analysisReasons: 'notEnoughInformation' });
      expect(by(appOnly)).toMatchObject({ policyApplies: false, analysisReasons: 'application' });
      expect(by(off)).toMatchObject({ policyApplies: false, analysisReasons: 'policyNotEnabled' });
      const inside = await ask({ ipAddress: '198.51.100.7', devicePlatform: 'iOS' });
      expect(inside.body.value.find((x: { id: string }) => x.id === outside)).toMatchObject({
        policyApplies: false,
        analysisReasons: 'location',
      });
      expect(inside.body.value.find((x: { id: string }) => x.id === android)).toMatchObject({
        policyApplies: false,
        analysisReasons: 'devicePlatform',
      });
      const applied = await server.api(`${CA}/evaluate`, {
        body: {
          signInIdentity: { '@odata.type': '#microsoft.graph.userSignIn', userId },
          signInContext: { '@odata.type': '#microsoft.graph.userActionContext', userAction: 'registerSecurityInformation' },
          signInConditions: {},
          appliedPoliciesOnly: true,
        },
      });
      expect(applied.status).toBe(200);
      expect(applied.body.value.every((x: { policyApplies: boolean }) => x.policyApplies)).toBe(true);
      expect(
        (await server.api(`${CA}/evaluate`, { body: { signInIdentity: { '@odata.type': '#microsoft.graph.servicePrincipalSignIn' } } }))
          .status,
      ).toBe(400);
      expect(
        (
          await server.api(`${CA}/evaluate`, {
            body: {
              signInIdentity: { '@odata.type': '#microsoft.graph.userSignIn', userId: 'nobody@example.test' },
              signInContext: { '@odata.type': '#microsoft.graph.applicationContext', includeApplications: ['x'] },
            },
          })
        ).status,
      ).toBe(404);
      // A trusted location cannot be deleted; an untrusted one in use cannot either.
      expect((await server.api(`${CA}/namedLocations/${loc.body.id}`, { method: 'DELETE' })).status).toBe(400);
      expect(
        (
          await server.api(`${CA}/namedLocations/${loc.body.id}`, {
            method: 'PATCH',
            body: { '@odata.type': '#microsoft.graph.ipNamedLocation', isTrusted: false },
          })
        ).status,
      ).toBe(204);
      expect((await server.api(`${CA}/namedLocations/${loc.body.id}`, { method: 'DELETE' })).status).toBe(409);
    });

    it('named locations: CIDR masks must be greater than /8; IPv6 accepted; country codes checked', async () => {
      const post = (b: Record<string, unknown>) => server.api(`${CA}/namedLocations`, { body: b });
      expect(
        (await post({ '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'wide', ipRanges: [{ cidrAddress: '10.0.0.0/8' }] }))
          .status,
      ).toBe(400);
      expect(
        (
          await post({
            '@odata.type': '#microsoft.graph.ipNamedLocation',
            displayName: 'junk',
            ipRanges: [{ cidrAddress: '300.1.1.1/24' }],
          })
        ).status,
      ).toBe(400);
      const v6 = await post({
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        displayName: 'v6',
        ipRanges: [{ cidrAddress: '2001:db8::/48' }],
      });
      expect(v6.status).toBe(201);
      expect(v6.body.ipRanges[0]['@odata.type']).toBe('#microsoft.graph.iPv6CidrRange');
      expect(
        (await post({ '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'c', countriesAndRegions: ['usa'] })).status,
      ).toBe(400);
      expect(
        (await post({ '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'c', countriesAndRegions: ['US'] })).status,
      ).toBe(201);
    });

    it('a Global Reader can read and ask What If / analyze, but not write; no token is 401', async () => {
      expect((await server.api(`${CA}/policies`, { token: reader })).status).toBe(200);
      expect((await server.api(`${CA}/analyze`, { method: 'POST', body: {}, token: reader })).status).toBe(200);
      const denied = await server.api(`${CA}/policies`, { token: reader, body: { ...ENTRA_EXPORT, displayName: 'nope' } });
      expect(denied.status).toBe(403);
      expect((await server.api(STRENGTHS, { token: reader, body: { displayName: 'nope', allowedCombinations: ['fido2'] } })).status).toBe(
        403,
      );
      expect((await server.api(`${CA}/policies`, { token: null })).status).toBe(401);
    });

    it('lockout analysis as a job reports progress and a result', async () => {
      const started = await server.api(`${CA}/analyze?async=true`, { method: 'POST', body: {} });
      expect(started.status).toBe(202);
      let job = started.body;
      for (let i = 0; i < 100 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = (await server.api(`${CA}/analyze/${started.body.id}`)).body;
      }
      expect(job.status).toBe('succeeded');
      expect(job.processedUsers).toBe(job.totalUsers);
      expect(job.result.userCount).toBeGreaterThan(0);
      expect((await server.api(`${CA}/analyze/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    });

    it('evaluateSignIn (for the sign-in flow): nested groups count, the User-Agent gives the platform', async () => {
      const parent = await insertGroup(db(), 'Parent');
      const child = await insertGroup(db(), 'Child');
      await addMember(db(), parent, child, 'group');
      const userId = await insertUser(db(), 'nested@example.test');
      await addMember(db(), child, userId);
      const r = await server.api(`${CA}/policies?confirmLockout=true`, {
        body: {
          displayName: 'Parent group, not on Windows',
          state: 'enabled',
          conditions: {
            users: { includeGroups: [parent] },
            applications: { includeApplications: ['All'] },
            platforms: { includePlatforms: ['all'], excludePlatforms: ['windows'] },
          },
          grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING } },
        },
      });
      expect(r.status).toBe(201);
      const base = { db: db(), userId, appId: 'payroll', ip: '203.0.113.1', performed: [{ mode: 'password' }] };
      const linux = await evaluateSignIn({ ...base, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120' });
      expect(linux.decision).toMatchObject({ decision: 'needs', needs: [{ policyId: r.body.id }] });
      expect(linux.policies.find((p) => p.id === r.body.id)?.result).toBe('failure');
      const windows = await evaluateSignIn({ ...base, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120' });
      expect(windows.policies.find((p) => p.id === r.body.id)?.result).toBe('notApplied');
      const unknownUa = await evaluateSignIn({ ...base, userAgent: undefined });
      expect(unknownUa.decision.decision).toBe('needs');
      const passkey = await evaluateSignIn({ ...base, userAgent: 'curl/8', performed: [{ mode: 'fido2', aaGuid: YUBI }] });
      expect(passkey.decision.decision).toBe('allow');
      await server.api(`${CA}/policies/${r.body.id}`, { method: 'DELETE' });
    });
  });
}
