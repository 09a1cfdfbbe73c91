import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { METHOD_IDS, ODATA_TYPE } from '../../src/policy/authentication-methods/types.ts';
import { PASSWORD_METHOD_ID } from '../../src/methods/password/params.ts';
import { addMember, insertGroup, insertUser, policySnapshot } from './fixtures.ts';

const BASE = '/api/v1/policies/authenticationMethodsPolicy';
const CONFIG = `${BASE}/authenticationMethodConfigurations`;

for (const kind of STORE_KINDS) {
  describe(`authentication methods policy over HTTP [${kind}]`, () => {
    let server: TestServer;
    let reader: string;
    const db = () => server.runtime.store.db;
    beforeAll(async () => {
      server = await startTestServer(kind);
      reader = await server.token({ roles: ['Global Reader'] });
    });
    afterAll(async () => server?.close());

    it('GET returns the whole policy in Graph shape with an ETag; configuration ids are case-insensitive', async () => {
      const r = await server.api(BASE);
      expect(r.status).toBe(200);
      expect(r.headers.get('etag')).toMatch(/^W\/"\d+"$/);
      expect(r.body.authenticationMethodConfigurations.map((c: { '@odata.type': string }) => c['@odata.type'])).toEqual(
        Object.values(ODATA_TYPE),
      );
      const one = await server.api(`${CONFIG}/fido2`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ '@odata.type': ODATA_TYPE.Fido2, id: 'Fido2', state: 'disabled', isAttestationEnforced: true });
      expect((await server.api(`${CONFIG}/X509Certificate`)).status).toBe(404);
    });

    it('a Global Reader can read but not write (403, nothing written); no token is 401', async () => {
      expect((await server.api(BASE, { token: reader })).status).toBe(200);
      expect((await server.api(`${CONFIG}/Sms`, { token: reader })).status).toBe(200);
      const snap = await policySnapshot(db());
      const denied = await server.api(`${CONFIG}/Sms`, {
        method: 'PATCH',
        token: reader,
        body: { '@odata.type': ODATA_TYPE.Sms, state: 'disabled' },
      });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('Authorization_RequestDenied');
      const deniedRoot = await server.api(BASE, { method: 'PATCH', token: reader, body: { policyMigrationState: 'preMigration' } });
      expect(deniedRoot.status).toBe(403);
      const readScopeOnly = await server.token({ scopes: ['Policy.Read.All'] });
      expect(
        (
          await server.api(`${CONFIG}/Sms`, {
            method: 'PATCH',
            token: readScopeOnly,
            body: { '@odata.type': ODATA_TYPE.Sms, state: 'disabled' },
          })
        ).status,
      ).toBe(403);
      expect((await server.api(BASE, { token: null })).status).toBe(401);
      expect(await policySnapshot(db())).toBe(snap);
    });

    it('PATCH answers 204 with the new ETag, the change reads back, and the audit log shows it', async () => {
      const group = await insertGroup(db());
      const r = await server.api(`${CONFIG}/Fido2`, {
        method: 'PATCH',
        body: {
          '@odata.type': ODATA_TYPE.Fido2,
          state: 'enabled',
          isAttestationEnforced: false,
          includeTargets: [{ targetType: 'group', id: group, isRegistrationRequired: true }],
        },
      });
      expect(r.status).toBe(204);
      expect(r.headers.get('etag')).toMatch(/^W\/"\d+"$/);
      const after = await server.api(`${CONFIG}/Fido2`);
      expect(after.body).toMatchObject({
        state: 'enabled',
        isAttestationEnforced: false,
        includeTargets: [{ targetType: 'group', id: group, isRegistrationRequired: true, allowedPasskeyProfiles: [] }],
      });
      expect(after.headers.get('etag')).toBe(r.headers.get('etag'));
      const audit = await server.api(`/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent("category eq 'Policy'")}&$top=1`);
      expect(audit.status).toBe(200);
      expect(audit.body.value[0]).toMatchObject({
        category: 'Policy',
        activityDisplayName: 'Update authentication methods policy',
        operationType: 'Update',
      });
      expect(audit.body.value[0].targetResources[0].modifiedProperties.map((p: { displayName: string }) => p.displayName).sort()).toEqual([
        'includeTargets',
        'isAttestationEnforced',
        'state',
      ]);
    });

    const BAD: Array<[string, string, unknown, number]> = [
      ['wrong @odata.type', 'Fido2', { '@odata.type': ODATA_TYPE.Sms, state: 'enabled' }, 400],
      ['no @odata.type', 'Fido2', { state: 'enabled' }, 400],
      ['unknown property', 'Sms', { '@odata.type': ODATA_TYPE.Sms, colour: 'blue' }, 400],
      [
        'TAP lifetimes out of order',
        'TemporaryAccessPass',
        { '@odata.type': ODATA_TYPE.TemporaryAccessPass, minimumLifetimeInMinutes: 600, maximumLifetimeInMinutes: 480 },
        400,
      ],
      ['an unknown configuration', 'Nope', { '@odata.type': ODATA_TYPE.Sms }, 404],
      ['not JSON', 'Sms', '{"@odata.type":', 400],
      ['a JSON array', 'Sms', [1, 2], 400],
    ];
    for (const [name, id, body, status] of BAD) {
      it(`rejects ${name} with ${status}, the Graph error shape, and nothing written`, async () => {
        const snap = await policySnapshot(db());
        const r = await server.api(`${CONFIG}/${id}`, { method: 'PATCH', body });
        expect(r.status).toBe(status);
        expect(r.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
        expect(await policySnapshot(db())).toBe(snap);
      });
    }

    it('If-Match: a stale ETag is 412, a malformed one 400, the current one succeeds', async () => {
      const etag = (await server.api(`${CONFIG}/Voice`)).headers.get('etag') as string;
      expect(
        (
          await server.api(`${CONFIG}/Voice`, {
            method: 'PATCH',
            headers: { 'if-match': etag },
            body: { '@odata.type': ODATA_TYPE.Voice, isOfficePhoneAllowed: true },
          })
        ).status,
      ).toBe(204);
      const snap = await policySnapshot(db());
      const stale = await server.api(`${CONFIG}/Voice`, {
        method: 'PATCH',
        headers: { 'if-match': etag },
        body: { '@odata.type': ODATA_TYPE.Voice, state: 'enabled' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body.error.message).toMatch(/GET it again/);
      expect(
        (
          await server.api(`${CONFIG}/Voice`, {
            method: 'PATCH',
            headers: { 'if-match': 'yesterday' },
            body: { '@odata.type': ODATA_TYPE.Voice, state: 'enabled' },
          })
        ).status,
      ).toBe(400);
      expect(await policySnapshot(db())).toBe(snap);
    });

    it('concurrent PATCHes over HTTP all land', async () => {
      const results = await Promise.all([
        server.api(`${CONFIG}/TemporaryAccessPass`, {
          method: 'PATCH',
          body: { '@odata.type': ODATA_TYPE.TemporaryAccessPass, state: 'enabled' },
        }),
        server.api(`${CONFIG}/TemporaryAccessPass`, {
          method: 'PATCH',
          body: { '@odata.type': ODATA_TYPE.TemporaryAccessPass, defaultLength: 12 },
        }),
        server.api(`${CONFIG}/TemporaryAccessPass`, {
          method: 'PATCH',
          body: { '@odata.type': ODATA_TYPE.TemporaryAccessPass, isUsableOnce: true },
        }),
        server.api(`${CONFIG}/SoftwareOath`, { method: 'PATCH', body: { '@odata.type': ODATA_TYPE.SoftwareOath, state: 'enabled' } }),
      ]);
      expect(results.map((r) => r.status)).toEqual([204, 204, 204, 204]);
      expect((await server.api(`${CONFIG}/TemporaryAccessPass`)).body).toMatchObject({
        state: 'enabled',
        defaultLength: 12,
        isUsableOnce: true,
      });
      expect((await server.api(`${CONFIG}/SoftwareOath`)).body.state).toBe('enabled');
    });

    it('PATCH on the policy updates the registration campaign and returns the policy (200)', async () => {
      const r = await server.api(BASE, {
        method: 'PATCH',
        body: {
          registrationEnforcement: {
            authenticationMethodsRegistrationCampaign: {
              snoozeDurationInDays: 0,
              excludeTargets: [{ targetType: 'group', id: await insertGroup(db()) }],
            },
          },
        },
      });
      expect(r.status).toBe(200);
      expect(r.body.registrationEnforcement.authenticationMethodsRegistrationCampaign).toMatchObject({
        snoozeDurationInDays: 0,
        state: 'default',
      });
      expect(
        (
          await server.api(BASE, {
            method: 'PATCH',
            body: { registrationEnforcement: { authenticationMethodsRegistrationCampaign: { snoozeDurationInDays: -1 } } },
          })
        ).status,
      ).toBe(400);
    });

    it('evaluate explains, per method, what the policy allows a user (reader may ask; unknown user 404)', async () => {
      const user = await insertUser(db(), `explain-${kind}@example.test`);
      const group = await insertGroup(db());
      await addMember(db(), group, user);
      const ex = await server.api(`${CONFIG}/HardwareOath`, {
        method: 'PATCH',
        body: { '@odata.type': ODATA_TYPE.HardwareOath, state: 'enabled', excludeTargets: [{ targetType: 'group', id: group }] },
      });
      expect(ex.status).toBe(204);
      const r = await server.api(`${BASE}/evaluate`, { token: reader, body: { userId: `explain-${kind}@example.test` } });
      expect(r.status).toBe(200);
      expect(r.body.userId).toBe(user);
      expect(r.body.methods.find((m: { methodId: string }) => m.methodId === 'HardwareOath')).toMatchObject({
        enabled: false,
        reason: 'excludedViaGroup',
        targetId: group,
      });
      expect(r.body.usableMethods).toContain('Password');
      expect(r.body.usableMethods).not.toContain('Sms');
      expect((await server.api(`${BASE}/evaluate`, { body: { userId: 'nobody@example.test' } })).status).toBe(404);
      expect((await server.api(`${BASE}/evaluate`, { body: {} })).status).toBe(400);
    });

    it('documents the routes in /openapi.json', async () => {
      const doc = (await server.api('/openapi.json', { token: null })).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/policies/authenticationMethodsPolicy',
          '/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}',
          '/api/v1/users/{userId}/authentication/methods/{methodId}/resetPassword',
        ]),
      );
    });

    it('password method: an admin resets a password (202), it is listed without the secret; a reader may list but not reset', async () => {
      const user = await insertUser(db());
      const path = `/api/v1/users/${user}/authentication`;
      expect((await server.api(`${path}/passwordMethods`)).body).toEqual({ value: [] });
      const denied = await server.api(`${path}/methods/${PASSWORD_METHOD_ID}/resetPassword`, {
        token: reader,
        body: { newPassword: 'a long enough password' },
      });
      expect(denied.status).toBe(403);
      const weak = await server.api(`${path}/methods/${PASSWORD_METHOD_ID}/resetPassword`, { body: { newPassword: 'short' } });
      expect(weak.status).toBe(400);
      const ok = await server.api(`${path}/methods/${PASSWORD_METHOD_ID}/resetPassword`, {
        body: { newPassword: 'a long enough password' },
      });
      expect(ok.status).toBe(202);
      const listed = await server.api(`${path}/passwordMethods`, { token: reader });
      expect(listed.status).toBe(200);
      expect(listed.body.value).toEqual([{ id: PASSWORD_METHOD_ID, password: null, createdDateTime: expect.any(String) }]);
      expect(JSON.stringify(listed.body)).not.toContain('argon2');
      expect(
        (await server.api(`${path}/methods/not-the-password-id/resetPassword`, { body: { newPassword: 'a long enough password' } })).status,
      ).toBe(404);
      expect((await server.api(`${path}/passwordMethods/${PASSWORD_METHOD_ID}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`${path}/passwordMethods`)).body).toEqual({ value: [] });
    });

    it('DELETE reverts a configuration to the default (204); a reader gets 403', async () => {
      expect(
        (await server.api(`${CONFIG}/Voice`, { method: 'PATCH', body: { '@odata.type': ODATA_TYPE.Voice, state: 'enabled' } })).status,
      ).toBe(204);
      expect((await server.api(`${CONFIG}/Voice`, { method: 'DELETE', token: reader })).status).toBe(403);
      expect((await server.api(`${CONFIG}/Voice`)).body.state).toBe('enabled');
      expect((await server.api(`${CONFIG}/voice`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`${CONFIG}/Voice`)).body).toMatchObject({ state: 'disabled', isOfficePhoneAllowed: false });
    });

    // Last in this block: random PATCHes may change the policy.
    it('property: arbitrary PATCH bodies get 204 or a 400 in the Graph error shape — never a 500 — and a 400 writes nothing', async () => {
      const keys = [
        '@odata.type',
        'id',
        'state',
        'includeTargets',
        'excludeTargets',
        'keyRestrictions',
        'passkeyProfiles',
        'isAttestationEnforced',
        'defaultLifetimeInMinutes',
        'minimumLifetimeInMinutes',
        'defaultLength',
        'isUsableOnce',
        'featureSettings',
        'allowExternalIdToUseEmailOtp',
      ];
      const value = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('enabled', 'disabled', 'all_users', ...Object.values(ODATA_TYPE)),
        fc.array(
          fc.record(
            {
              targetType: fc.constantFrom('group', 'user', 'x'),
              id: fc.constantFrom('all_users', '00000000-0000-0000-0000-000000000000', 'nope'),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...METHOD_IDS),
          fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }),
          fc.boolean(),
          async (method, body, typed) => {
            const payload = typed ? { ...body, '@odata.type': ODATA_TYPE[method] } : body;
            const snap = await policySnapshot(db());
            const r = await server.api(`${CONFIG}/${method}`, { method: 'PATCH', body: payload });
            expect([204, 400]).toContain(r.status);
            if (r.status === 400) {
              expect(r.body.error).toEqual(expect.objectContaining({ code: 'Request_BadRequest', message: expect.any(String) }));
              expect(await policySnapshot(db())).toBe(snap);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}
