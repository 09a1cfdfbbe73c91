import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ROLE } from '../../src/directory/roles.ts';
import { effectiveRoleTemplateIds } from '../../src/directory/role-assignments-repository.ts';
import { counts, ref } from './helpers.ts';

const BASE = '/api/v1/roleManagement/directory';

for (const kind of STORE_KINDS) {
  describe(`role management API [${kind}]`, () => {
    let s: TestServer;
    const user = async (alias: string) =>
      (await s.api('/api/v1/users', { body: { userPrincipalName: `${alias}@contoso.example`, displayName: alias } })).body.id as string;
    const assign = (principalId: string, roleDefinitionId: string) =>
      s.api(`${BASE}/roleAssignments`, { body: { principalId, roleDefinitionId, directoryScopeId: '/' } });
    const gaAssignments = async () =>
      (await s.api(`${BASE}/roleAssignments?$filter=${encodeURIComponent(`roleDefinitionId eq '${ROLE.globalAdministrator}'`)}`)).body
        .value as Array<{ id: string; principalId: string }>;
    beforeAll(async () => {
      s = await startTestServer(kind);
    });
    afterAll(async () => s?.close());

    it('lists the built-in role definitions by Entra template id', async () => {
      const r = await s.api(`${BASE}/roleDefinitions`);
      expect(r.status).toBe(200);
      const ga = r.body.value.find((d: { id: string }) => d.id === '62e90394-69f5-4237-9190-012177145e10');
      expect(ga).toMatchObject({ displayName: 'Global Administrator', templateId: ga.id, isBuiltIn: true, isEnabled: true });
      expect((await s.api(`${BASE}/roleDefinitions/${ROLE.helpdeskAdministrator}`)).body.displayName).toBe('Helpdesk Administrator');
      expect((await s.api(`${BASE}/roleDefinitions/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    });

    it('assigns, filters by principalId, gets and removes a role assignment, auditing both', async () => {
      const u = await user('helen');
      const created = await assign(u, ROLE.helpdeskAdministrator);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ principalId: u, roleDefinitionId: ROLE.helpdeskAdministrator, directoryScopeId: '/' });
      const listed = await s.api(`${BASE}/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${u}'`)}`);
      expect(listed.body.value.map((a: { id: string }) => a.id)).toEqual([created.body.id]);
      expect((await s.api(`${BASE}/roleAssignments/${created.body.id}`)).body.principalId).toBe(u);
      expect(await effectiveRoleTemplateIds(s.runtime.store.db, u)).toEqual([ROLE.helpdeskAdministrator]);

      const before = await counts(s);
      const dup = await assign(u, ROLE.helpdeskAdministrator);
      expect(dup.status).toBe(409);
      expect(await counts(s)).toEqual(before);

      expect((await s.api(`${BASE}/roleAssignments/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await s.api(`${BASE}/roleAssignments/${created.body.id}`)).status).toBe(404);
      expect(await effectiveRoleTemplateIds(s.runtime.store.db, u)).toEqual([]);
      const audits = await s.api(
        `/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${u}') and category eq 'RoleManagement'`)}`,
      );
      expect(audits.body.value.map((a: { activityDisplayName: string }) => a.activityDisplayName)).toEqual([
        'Remove member from role',
        'Add member to role',
      ]);
    });

    it.each([
      [
        'an unknown role',
        () => ({ principalId: '11111111-1111-4111-8111-111111111111', roleDefinitionId: '00000000-0000-4000-8000-000000000000' }),
        400,
      ],
      [
        'a scope other than "/"',
        () => ({
          principalId: '11111111-1111-4111-8111-111111111111',
          roleDefinitionId: ROLE.globalReader,
          directoryScopeId: '/administrativeUnits/x',
        }),
        400,
      ],
      ['a principalId that is not a GUID', () => ({ principalId: 'bob', roleDefinitionId: ROLE.globalReader }), 400],
      ['an unknown principal', () => ({ principalId: '11111111-1111-4111-8111-111111111111', roleDefinitionId: ROLE.globalReader }), 404],
    ])('rejects %s and writes nothing', async (_n, body, status) => {
      const before = await counts(s);
      const r = await s.api(`${BASE}/roleAssignments`, { body: body() });
      expect(r.status).toBe(status);
      expect(r.body.error.code).toMatch(/^Request_/);
      expect(await counts(s)).toEqual(before);
    });

    it('grants roles through role-assignable groups only', async () => {
      const u = await user('gina');
      const plain = (
        await s.api('/api/v1/groups', { body: { displayName: 'Plain', mailNickname: 'plain', mailEnabled: false, securityEnabled: true } })
      ).body.id;
      expect((await assign(plain, ROLE.globalReader)).status).toBe(400);
      const ra = (
        await s.api('/api/v1/groups', {
          body: { displayName: 'Readers', mailNickname: 'readers', mailEnabled: false, securityEnabled: true, isAssignableToRole: true },
        })
      ).body.id;
      expect((await s.api(`/api/v1/groups/${ra}/members/$ref`, { body: ref(s, u) })).status).toBe(204);
      expect((await assign(ra, ROLE.globalReader)).status).toBe(201);
      expect(await effectiveRoleTemplateIds(s.runtime.store.db, u)).toEqual([ROLE.globalReader]);
      // A disabled user holds no roles.
      await s.api(`/api/v1/users/${u}`, { method: 'PATCH', body: { accountEnabled: false } });
      expect(await effectiveRoleTemplateIds(s.runtime.store.db, u)).toEqual([]);
    });

    it('protects the last Global Administrator (unassign, disable, delete) and allows it once another exists', async () => {
      const [only] = await gaAssignments();
      expect(only).toBeDefined();
      const admin = only!.principalId;
      const before = await counts(s);
      const unassign = await s.api(`${BASE}/roleAssignments/${only!.id}`, { method: 'DELETE' });
      expect(unassign.status).toBe(400);
      expect(unassign.body.error.message).toMatch(/last Global Administrator/);
      expect((await s.api(`/api/v1/users/${admin}`, { method: 'PATCH', body: { accountEnabled: false } })).status).toBe(400);
      expect((await s.api(`/api/v1/users/${admin}`, { method: 'DELETE' })).status).toBe(400);
      expect(await counts(s)).toEqual(before);

      const second = await user('second.admin');
      expect((await assign(second, ROLE.globalAdministrator)).status).toBe(201);
      expect((await s.api(`${BASE}/roleAssignments/${only!.id}`, { method: 'DELETE' })).status).toBe(204);
      const [left] = await gaAssignments();
      expect(left!.principalId).toBe(second);
      // The remaining one is protected in turn (the default token still speaks for the bootstrap admin's wids claim).
      expect((await s.api(`${BASE}/roleAssignments/${left!.id}`, { method: 'DELETE' })).status).toBe(400);
    });

    it('lets only one of two concurrent removals of the last two Global Administrators through', async () => {
      const [a, b] = [await user('race.a'), await user('race.b')];
      const ra = (await assign(a, ROLE.globalAdministrator)).body.id;
      const rb = (await assign(b, ROLE.globalAdministrator)).body.id;
      // Leave exactly these two as the enabled direct Global Administrators.
      for (const x of await gaAssignments())
        if (x.id !== ra && x.id !== rb) expect((await s.api(`${BASE}/roleAssignments/${x.id}`, { method: 'DELETE' })).status).toBe(204);
      const statuses = (await Promise.all([ra, rb].map((id) => s.api(`${BASE}/roleAssignments/${id}`, { method: 'DELETE' }))))
        .map((r) => r.status)
        .sort();
      expect(statuses).toEqual([204, 400]);
      expect(await gaAssignments()).toHaveLength(1);
    });

    it('refuses writes without RoleManagement.ReadWrite.Directory', async () => {
      const u = await user('ivan');
      const token = await s.token({ scopes: ['RoleManagement.Read.Directory'] });
      expect((await s.api(`${BASE}/roleAssignments`, { token })).status).toBe(200);
      const before = await counts(s);
      const r = await s.api(`${BASE}/roleAssignments`, { token, body: { principalId: u, roleDefinitionId: ROLE.globalReader } });
      expect(r.status).toBe(403);
      expect(await counts(s)).toEqual(before);
    });
  });
}
