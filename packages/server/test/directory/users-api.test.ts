import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { counts } from './helpers.ts';

for (const kind of STORE_KINDS) {
  describe(`users API [${kind}]`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(kind);
    });
    afterAll(async () => s?.close());

    it('creates, reads (by id and UPN), updates, disables and deletes a user, auditing each change', async () => {
      const created = await s.api('/api/v1/users', {
        body: { userPrincipalName: 'Alice@Contoso.example', displayName: 'Alice', givenName: 'Alice', jobTitle: 'Engineer' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        userPrincipalName: 'Alice@Contoso.example',
        displayName: 'Alice',
        accountEnabled: true,
        mailNickname: 'Alice',
        surname: null,
      });
      const id = created.body.id as string;
      expect((await s.api(`/api/v1/users/${id}`)).body.displayName).toBe('Alice');
      expect((await s.api('/api/v1/users/alice@contoso.example')).body.id).toBe(id);
      expect((await s.api(`/api/v1/users/${id}?$select=displayName`)).body).toEqual({ id, displayName: 'Alice' });

      expect((await s.api(`/api/v1/users/${id}`, { method: 'PATCH', body: { displayName: 'Alice B', department: 'R&D' } })).status).toBe(
        204,
      );
      expect((await s.api(`/api/v1/users/${id}`)).body).toMatchObject({ displayName: 'Alice B', department: 'R&D' });
      expect((await s.api(`/api/v1/users/${id}`, { method: 'PATCH', body: { accountEnabled: false } })).status).toBe(204);
      expect((await s.api(`/api/v1/users/${id}`)).body.accountEnabled).toBe(false);

      const audits = await s.api(
        `/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${id}')`)}`,
      );
      const activities = (
        audits.body.value as Array<{
          activityDisplayName: string;
          category: string;
          targetResources: Array<{ modifiedProperties: Array<{ displayName: string; newValue: string | null }> }>;
        }>
      ).map((a) => a.activityDisplayName);
      expect(activities).toEqual(['Disable account', 'Update user', 'Add user']);
      const update = audits.body.value[1];
      expect(update.category).toBe('UserManagement');
      expect(update.targetResources[0].modifiedProperties).toEqual(
        expect.arrayContaining([{ displayName: 'DisplayName', oldValue: '["Alice"]', newValue: '["Alice B"]' }]),
      );

      expect((await s.api(`/api/v1/users/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await s.api(`/api/v1/users/${id}`)).status).toBe(404);
      expect((await s.api(`/api/v1/users/${id}`, { method: 'DELETE' })).status).toBe(404);
    });

    it('rejects a duplicate userPrincipalName case-insensitively with 409 and writes nothing', async () => {
      expect((await s.api('/api/v1/users', { body: { userPrincipalName: 'bob@contoso.example', displayName: 'Bob' } })).status).toBe(201);
      const before = await counts(s);
      const dup = await s.api('/api/v1/users', { body: { userPrincipalName: 'BOB@CONTOSO.EXAMPLE', displayName: 'Bob 2' } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('Request_Conflict');
      expect(dup.body.error.details).toEqual([{ target: 'userPrincipalName', code: 'ObjectConflict' }]);
      expect(await counts(s)).toEqual(before);
      // Renaming another user onto the taken UPN is a conflict too.
      const carol = await s.api('/api/v1/users', { body: { userPrincipalName: 'carol@contoso.example', displayName: 'Carol' } });
      const before2 = await counts(s);
      const rename = await s.api(`/api/v1/users/${carol.body.id}`, { method: 'PATCH', body: { userPrincipalName: 'Bob@contoso.example' } });
      expect(rename.status).toBe(409);
      expect(await counts(s)).toEqual(before2);
    });

    it.each([
      ['over-long displayName', { userPrincipalName: 'x1@contoso.example', displayName: 'x'.repeat(257) }],
      ['over-long userPrincipalName', { userPrincipalName: `${'a'.repeat(60)}@${'b'.repeat(60)}.example`, displayName: 'X' }],
      ['alias over 64 characters', { userPrincipalName: `${'a'.repeat(65)}@contoso.example`, displayName: 'X' }],
      ['UPN without a domain', { userPrincipalName: 'nodomain', displayName: 'X' }],
      ['UPN with a space', { userPrincipalName: 'a b@contoso.example', displayName: 'X' }],
      ['over-long givenName', { userPrincipalName: 'x2@contoso.example', displayName: 'X', givenName: 'g'.repeat(65) }],
      ['blank displayName', { userPrincipalName: 'x3@contoso.example', displayName: '   ' }],
      ['NUL in displayName', { userPrincipalName: 'x4@contoso.example', displayName: 'a\u0000b' }],
      ['unknown property', { userPrincipalName: 'x5@contoso.example', displayName: 'X', favouriteColour: 'blue' }],
      ['passwordProfile', { userPrincipalName: 'x6@contoso.example', displayName: 'X', passwordProfile: { password: 'hunter2' } }],
      ['missing displayName', { userPrincipalName: 'x7@contoso.example' }],
    ])('rejects %s with 400 and writes nothing', async (_name, body) => {
      const before = await counts(s);
      const r = await s.api('/api/v1/users', { body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('Request_BadRequest');
      expect(typeof r.body.error.message).toBe('string');
      expect(JSON.stringify(r.body)).not.toContain('hunter2');
      expect(await counts(s)).toEqual(before);
    });

    it('rejects an over-long name in PATCH and leaves the user unchanged', async () => {
      const u = await s.api('/api/v1/users', { body: { userPrincipalName: 'dave@contoso.example', displayName: 'Dave' } });
      const before = await counts(s);
      const r = await s.api(`/api/v1/users/${u.body.id}`, { method: 'PATCH', body: { displayName: 'd'.repeat(300) } });
      expect(r.status).toBe(400);
      expect((await s.api(`/api/v1/users/${u.body.id}`)).body.displayName).toBe('Dave');
      expect(await counts(s)).toEqual(before);
    });

    it('answers 404 for unknown users and ids that are not GUIDs', async () => {
      for (const key of ['00000000-0000-4000-8000-000000000000', 'nobody@contoso.example', 'not-a-guid', `${'a'.repeat(200)}@x.example`]) {
        const r = await s.api(`/api/v1/users/${key}`);
        expect(r.status).toBe(404);
        expect(r.body.error.code).toBe('Request_ResourceNotFound');
      }
      // A NUL in the path never reaches SQL: the router or the lookup refuses it, never a 500.
      const nul = await s.api('/api/v1/users/%00@x');
      expect([400, 404]).toContain(nul.status);
      expect(nul.body.error.code).toMatch(/^Request_/);
    });

    it('lets exactly one of two concurrent creations of the same UPN (different case) win', async () => {
      const before = await counts(s);
      const results = await Promise.all(
        ['race@contoso.example', 'RACE@contoso.example', 'Race@Contoso.Example'].map((upn) =>
          s.api('/api/v1/users', { body: { userPrincipalName: upn, displayName: 'Race' } }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      const after = await counts(s);
      expect(after.users).toBe(before.users! + 1);
      expect(after.audit).toBe(before.audit! + 1);
    });

    it('refuses an unknown $select on a single user', async () => {
      const r = await s.api('/api/v1/users/admin@latchkey.local?$select=displayName,secret');
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/secret/);
    });

    it('describes its routes in /openapi.json', async () => {
      const doc = (await s.api('/openapi.json', { token: null })).body;
      for (const path of [
        '/api/v1/users',
        '/api/v1/users/{userId}',
        '/api/v1/users/{userId}/transitiveMemberOf',
        '/api/v1/groups/{groupId}/members/$ref',
        '/api/v1/groups/{groupId}/members/{memberId}/$ref',
        '/api/v1/roleManagement/directory/roleAssignments',
      ]) {
        expect(Object.keys(doc.paths)).toContain(path);
      }
      expect(JSON.stringify(doc.paths['/api/v1/users'].post)).toContain('userPrincipalName');
    });

    it('needs a token with the right permission', async () => {
      expect((await s.api('/api/v1/users', { token: null })).status).toBe(401);
      const reader = await s.token({ roles: ['Global Reader'] });
      expect((await s.api('/api/v1/users', { token: reader })).status).toBe(200);
      const before = await counts(s);
      const denied = await s.api('/api/v1/users', {
        token: reader,
        body: { userPrincipalName: 'eve@contoso.example', displayName: 'Eve' },
      });
      expect(denied.status).toBe(403);
      expect(await counts(s)).toEqual(before);
    });
    it('lets a User Administrator change ordinary users and limited admins, never a Global Administrator', async () => {
      const mk = async (upn: string) => (await s.api('/api/v1/users', { body: { userPrincipalName: upn, displayName: upn.split('@')[0] } })).body.id as string;
      const assign = async (principalId: string, roleDefinitionId: string) =>
        expect((await s.api('/api/v1/roleManagement/directory/roleAssignments', { body: { principalId, roleDefinitionId, directoryScopeId: '/' } })).status).toBe(201);
      const uaId = await mk('ua@contoso.example');
      await assign(uaId, 'fe930be7-5e62-47db-91af-98c3a49a38b1'); // User Administrator
      const helpdesk = await mk('helpdesk@contoso.example');
      await assign(helpdesk, '729827e3-9c14-49f7-bb1b-9608f156bbb8'); // Helpdesk Administrator
      const secondGa = await mk('ga2@contoso.example');
      await assign(secondGa, '62e90394-69f5-4237-9190-012177145e10');
      const plain = await mk('plain@contoso.example');
      const ua = await s.token({ userPrincipalName: 'ua@contoso.example' });

      expect((await s.api(`/api/v1/users/${plain}`, { method: 'PATCH', token: ua, body: { jobTitle: 'Operator' } })).status).toBe(204);
      expect((await s.api(`/api/v1/users/${helpdesk}`, { method: 'PATCH', token: ua, body: { jobTitle: 'Desk' } })).status).toBe(204);
      const before = await counts(s);
      for (const req of [
        { method: 'PATCH', body: { displayName: 'Pwned' } },
        { method: 'PATCH', body: { accountEnabled: false } },
        { method: 'DELETE' },
      ]) {
        const r = await s.api(`/api/v1/users/${secondGa}`, { ...req, token: ua });
        expect(r.status).toBe(403);
        expect(r.body.error.message).toContain('Global Administrator');
      }
      expect(await counts(s)).toEqual(before);
      expect((await s.api(`/api/v1/users/${secondGa}`)).body).toMatchObject({ displayName: 'ga2', accountEnabled: true });
      // A Global Administrator may change another one.
      expect((await s.api(`/api/v1/users/${secondGa}`, { method: 'PATCH', body: { jobTitle: 'Admin' } })).status).toBe(204);
    });
  });
}
