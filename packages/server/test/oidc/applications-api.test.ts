import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rowCounts } from '../support/counts.ts';
import { appRoleId } from '../../src/applications/app-roles.ts';
import { ROLE } from '../../src/directory/roles.ts';

for (const kind of STORE_KINDS) {
  describe(`applications and servicePrincipals admin API [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    const countRows = () =>
      rowCounts(server.runtime.store.db, {
        apps: 'applications',
        passwords: 'application_passwords',
        sps: 'service_principals',
        grants: 'app_role_assignments',
        audit: 'audit_log',
      });
    const lastAudit = async () => (await server.api('/api/v1/auditLogs/directoryAudits?$top=1')).body.value[0];

    it('creates, reads, lists, filters, updates and deletes applications with audit entries', async () => {
      const created = await server.api('/api/v1/applications', {
        body: { displayName: 'Payroll sync', description: 'nightly', web: { redirectUris: ['https://payroll.example/cb'] } },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        displayName: 'Payroll sync',
        description: 'nightly',
        signInAudience: 'AzureADMyOrg',
        web: { redirectUris: ['https://payroll.example/cb'] },
        passwordCredentials: [],
      });
      expect(created.body.appId).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.body.appId).not.toBe(created.body.id);
      expect(await lastAudit()).toMatchObject({
        category: 'ApplicationManagement',
        activityDisplayName: 'Add application',
        targetResources: [{ id: created.body.id, type: 'Application' }],
      });

      const id = created.body.id as string;
      expect((await server.api(`/api/v1/applications/${id}`)).body).toEqual(created.body);
      const filtered = await server.api(`/api/v1/applications?$filter=${encodeURIComponent(`appId eq '${created.body.appId}'`)}`);
      expect(filtered.body.value.map((a: { id: string }) => a.id)).toEqual([id]);

      expect(
        (await server.api(`/api/v1/applications/${id}`, { method: 'PATCH', body: { displayName: 'Payroll', web: { redirectUris: [] } } }))
          .status,
      ).toBe(204);
      expect((await server.api(`/api/v1/applications/${id}`)).body).toMatchObject({ displayName: 'Payroll', web: { redirectUris: [] } });
      const upd = await lastAudit();
      expect(upd.activityDisplayName).toBe('Update application');
      expect(upd.targetResources[0].modifiedProperties.map((m: { displayName: string }) => m.displayName).sort()).toEqual([
        'DisplayName',
        'RedirectUris',
      ]);

      expect((await server.api(`/api/v1/applications/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`/api/v1/applications/${id}`)).status).toBe(404);
      expect((await lastAudit()).activityDisplayName).toBe('Delete application');
    });

    it('pages with $top and @odata.nextLink', async () => {
      for (const n of ['p1', 'p2', 'p3'])
        expect((await server.api('/api/v1/applications', { body: { displayName: `page ${n}` } })).status).toBe(201);
      const seen: string[] = [];
      let url: string | undefined = '/api/v1/applications?$top=2';
      while (url) {
        const r = await server.api(url);
        expect(r.status).toBe(200);
        expect(r.body.value.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.value.map((a: { id: string }) => a.id));
        url = r.body['@odata.nextLink']?.replace(server.config.publicUrl.origin, '');
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(3);
    });

    it('shows secretText once; afterwards only the hint; stores no plaintext', async () => {
      const app = (await server.api('/api/v1/applications', { body: { displayName: 'Secretive' } })).body;
      const pw = await server.api(`/api/v1/applications/${app.id}/addPassword`, {
        body: { passwordCredential: { displayName: 'deploy', endDateTime: new Date(Date.now() + 86_400_000).toISOString() } },
      });
      expect(pw.status).toBe(200);
      expect(pw.body.secretText).toMatch(/^[\w-]{40}$/);
      expect(pw.body.hint).toBe(pw.body.secretText.slice(0, 3));
      const again = (await server.api(`/api/v1/applications/${app.id}`)).body;
      expect(again.passwordCredentials).toEqual([{ ...pw.body, secretText: null }]);
      expect(JSON.stringify(again)).not.toContain(pw.body.secretText);
      const rows = await server.runtime.store.db
        .selectFrom('application_passwords')
        .selectAll()
        .where('key_id', '=', pw.body.keyId)
        .execute();
      expect(JSON.stringify(rows)).not.toContain(pw.body.secretText);
      const audit = await lastAudit();
      expect(audit.activityDisplayName).toBe('Update application – Certificates and secrets management');
      expect(JSON.stringify(audit)).not.toContain(pw.body.secretText);

      expect((await server.api(`/api/v1/applications/${app.id}/removePassword`, { body: { keyId: pw.body.keyId } })).status).toBe(204);
      expect((await server.api(`/api/v1/applications/${app.id}`)).body.passwordCredentials).toEqual([]);
      expect((await server.api(`/api/v1/applications/${app.id}/removePassword`, { body: { keyId: pw.body.keyId } })).status).toBe(404);
    });

    it('rejects bad input with 4xx and writes nothing', async () => {
      const app = (await server.api('/api/v1/applications', { body: { displayName: 'Target' } })).body;
      const before = await countRows();
      const cases: Array<[string, string, unknown, number]> = [
        ['POST', '/api/v1/applications', { displayName: '' }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x'.repeat(257) }, 400],
        ['POST', '/api/v1/applications', { displayName: 'ok', web: { redirectUris: ['http://evil.example/cb'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'ok', web: { redirectUris: ['javascript:alert(1)'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'ok', unknown: 1 }, 400],
        ['POST', '/api/v1/applications', '{"displayName":', 400],
        ['PATCH', `/api/v1/applications/${crypto.randomUUID()}`, { displayName: 'x' }, 404],
        ['PATCH', '/api/v1/applications/not-a-guid', { displayName: 'x' }, 404],
        ['POST', `/api/v1/applications/${app.id}/addPassword`, { passwordCredential: { endDateTime: '2001-01-01T00:00:00Z' } }, 400],
        ['POST', `/api/v1/applications/${app.id}/addPassword`, { passwordCredential: { endDateTime: 'tomorrow' } }, 400],
        ['POST', `/api/v1/applications/${app.id}/removePassword`, { keyId: 'nope' }, 404],
        ['POST', '/api/v1/servicePrincipals', { appId: crypto.randomUUID() }, 400],
        ['POST', '/api/v1/servicePrincipals', { appId: 'x' }, 400],
        ['GET', '/api/v1/applications?$filter=startswith(appId,%27a%27)', undefined, 400],
        ['GET', '/api/v1/applications?$skiptoken=zzz', undefined, 400],
        ['POST', '/api/v1/applications', { displayName: 'nul\u0000byte' }, 400],
        ['POST', '/api/v1/applications', { displayName: 'lone \ud800 surrogate' }, 400],
        ['POST', '/api/v1/applications', { displayName: 'ok', web: { redirectUris: ['https://a.example/\u0000'] } }, 400],
        ['POST', `/api/v1/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'a\u0000' } }, 400],
        ['GET', `/api/v1/applications?$filter=${encodeURIComponent("displayName eq 'a\u0000'")}`, undefined, 400],
        ['POST', `/api/v1/servicePrincipals/${crypto.randomUUID()}/appRoleAssignments`, { appRoleValue: 'User.Read.All' }, 404],
        ['POST', `/api/v1/servicePrincipals/${crypto.randomUUID()}/directoryRoles`, { roleDefinitionId: 'Global Reader' }, 404],
        ['DELETE', `/api/v1/servicePrincipals/${crypto.randomUUID()}/directoryRoles/Global%20Reader`, undefined, 404],
      ];
      for (const [method, path, body, status] of cases) {
        const r = await server.api(path, { method, ...(body === undefined ? {} : { body }) });
        expect([r.status, method, path]).toEqual([status, method, path]);
        expect(r.body.error.code).toEqual(expect.any(String));
        expect(r.body.error.message).toEqual(expect.any(String));
      }
      expect(await countRows()).toEqual(before);
    });

    it('concurrent duplicate writes end in one row and 409s, never a 500', async () => {
      const app = (await server.api('/api/v1/applications', { body: { displayName: 'Raced' } })).body;
      const sps = await Promise.all([1, 2, 3, 4].map(() => server.api('/api/v1/servicePrincipals', { body: { appId: app.appId } })));
      expect(sps.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      const spId = sps.find((r) => r.status === 201)!.body.id;
      const grants = await Promise.all(
        [1, 2, 3, 4].map(() =>
          server.api(`/api/v1/servicePrincipals/${spId}/appRoleAssignments`, { body: { appRoleValue: 'User.Read.All' } }),
        ),
      );
      expect(grants.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      const roles = await Promise.all(
        [1, 2, 3, 4].map(() =>
          server.api(`/api/v1/servicePrincipals/${spId}/directoryRoles`, { body: { roleDefinitionId: 'Global Reader' } }),
        ),
      );
      expect(roles.map((r) => r.status).sort()).toEqual([204, 409, 409, 409]);
      expect((await server.api(`/api/v1/servicePrincipals/${spId}/appRoleAssignments`)).body.value).toHaveLength(1);
    });

    it('service principals: one per app, grants and directory roles, with permission checks', async () => {
      const app = (await server.api('/api/v1/applications', { body: { displayName: 'Robot' } })).body;
      const sp = await server.api('/api/v1/servicePrincipals', { body: { appId: app.appId } });
      expect(sp.status).toBe(201);
      expect(sp.body).toMatchObject({ appId: app.appId, displayName: 'Robot', accountEnabled: true, servicePrincipalType: 'Application' });
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: app.appId } })).status).toBe(409);
      const listed = await server.api(`/api/v1/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${app.appId}'`)}`);
      expect(listed.body.value).toEqual([sp.body]);

      const byValue = await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments`, {
        body: { appRoleValue: 'User.Read.All' },
      });
      expect(byValue.status).toBe(201);
      expect(byValue.body).toMatchObject({
        appRoleValue: 'User.Read.All',
        appRoleId: appRoleId('User.Read.All'),
        principalId: sp.body.id,
        principalType: 'ServicePrincipal',
        resourceDisplayName: 'Latchkey API',
      });
      const byId = await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments`, {
        body: { appRoleId: appRoleId('Group.Read.All') },
      });
      expect(byId.body.appRoleValue).toBe('Group.Read.All');
      expect(
        (await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments`, { body: { appRoleValue: 'User.Read.All' } }))
          .status,
      ).toBe(409);
      expect(
        (await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments`, { body: { appRoleValue: 'Mail.Send' } })).status,
      ).toBe(400);
      expect(
        (await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments`)).body.value.map(
          (a: { appRoleValue: string }) => a.appRoleValue,
        ),
      ).toEqual(['User.Read.All', 'Group.Read.All']);
      expect(
        (await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments/${byId.body.id}`, { method: 'DELETE' })).status,
      ).toBe(204);
      expect((await lastAudit()).activityDisplayName).toBe('Remove app role assignment from service principal');

      expect(
        (await server.api(`/api/v1/servicePrincipals/${sp.body.id}/directoryRoles`, { body: { roleDefinitionId: ROLE.globalReader } }))
          .status,
      ).toBe(204);
      expect(
        (await server.api(`/api/v1/servicePrincipals/${sp.body.id}/directoryRoles`, { body: { roleDefinitionId: 'Global Reader' } }))
          .status,
      ).toBe(409);
      expect((await server.api(`/api/v1/servicePrincipals/${sp.body.id}/directoryRoles`)).body.value).toEqual([
        { roleDefinitionId: ROLE.globalReader, displayName: 'Global Reader' },
      ]);
      expect(await lastAudit()).toMatchObject({ category: 'RoleManagement', activityDisplayName: 'Add member to role' });

      // An Application Administrator may register apps but not grant permissions or roles.
      const appAdmin = await server.token({ roles: ['Application Administrator'] });
      expect((await server.api('/api/v1/applications', { token: appAdmin, body: { displayName: 'Allowed' } })).status).toBe(201);
      const denied = await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments`, {
        token: appAdmin,
        body: { appRoleValue: 'Directory.ReadWrite.All' },
      });
      expect(denied.status).toBe(403);
      const reader = await server.token({ roles: ['Global Reader'] });
      expect((await server.api('/api/v1/applications', { token: reader })).status).toBe(200);
      expect((await server.api('/api/v1/applications', { token: reader, body: { displayName: 'Nope' } })).status).toBe(403);

      // Deleting the application removes its service principal, grants and role assignments.
      expect((await server.api(`/api/v1/applications/${app.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`/api/v1/servicePrincipals/${sp.body.id}`)).status).toBe(404);
      const leftovers = await server.runtime.store.db
        .selectFrom('role_assignments')
        .select('id')
        .where('principal_id', '=', sp.body.id)
        .execute();
      expect(leftovers).toEqual([]);
    });
  });
}
