import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { recordAudit } from '../../src/audit/record.ts';
import type { RequestContext } from '../../src/auth/principal.ts';

const ada: RequestContext = {
  principal: {
    kind: 'user',
    id: 'aaaaaaaa-0000-4000-8000-000000000001',
    displayName: 'Ada',
    userPrincipalName: 'ada@example.com',
    roles: [],
    scopes: [],
  },
  correlationId: 'run-ada',
  ipAddress: '198.51.100.4',
};
const app: RequestContext = {
  principal: {
    kind: 'servicePrincipal',
    id: 'bbbbbbbb-0000-4000-8000-000000000002',
    displayName: 'Sync job',
    appId: 'cccccccc-0000-4000-8000-000000000003',
    roles: [],
    scopes: [],
  },
  correlationId: 'run-app',
  ipAddress: null,
};
const GROUP = 'dddddddd-0000-4000-8000-000000000004';

for (const kind of STORE_KINDS) {
  describe(`GET /api/v1/auditLogs/directoryAudits [${kind}]`, () => {
    let server: TestServer;
    let before: string;
    beforeAll(async () => {
      server = await startTestServer(kind);
      before = new Date(Date.now() - 1000).toISOString();
      const db = server.runtime.store.db;
      for (let i = 1; i <= 7; i++) {
        await recordAudit(db, ada, {
          category: 'UserManagement',
          activity: i % 2 ? 'Add user' : 'Update user',
          operationType: i % 2 ? 'Add' : 'Update',
          targets: [
            {
              id: `eeeeeeee-0000-4000-8000-00000000000${i}`,
              displayName: `user ${i}`,
              type: 'User',
              modifiedProperties: [{ displayName: 'displayName', oldValue: null, newValue: `"user ${i}"` }],
            },
          ],
        });
      }
      await recordAudit(db, app, {
        category: 'GroupManagement',
        activity: 'Add member to group',
        operationType: 'Assign',
        targets: [{ id: GROUP, displayName: 'Finance', type: 'Group' }],
        details: { source: 'sync' },
      });
      await recordAudit(db, app, {
        category: 'GroupManagement',
        activity: 'Remove member from group',
        operationType: 'Unassign',
        result: 'failure',
        resultReason: 'not a member',
        targets: [{ id: GROUP, displayName: 'Finance', type: 'Group' }],
      });
    });
    afterAll(async () => server?.close());

    const list = async (query: string) => server.api(`/api/v1/auditLogs/directoryAudits${query}`);

    it("returns Graph's directoryAudit shape, newest first", async () => {
      const r = await list(`?$filter=${encodeURIComponent("category eq 'GroupManagement'")}`);
      expect(r.status).toBe(200);
      expect(r.body.value).toHaveLength(2);
      const [removed, added] = r.body.value;
      expect(removed.activityDisplayName).toBe('Remove member from group');
      expect(removed).toMatchObject({
        result: 'failure',
        resultReason: 'not a member',
        operationType: 'Unassign',
        loggedByService: 'Core Directory',
        correlationId: 'run-app',
      });
      expect(added).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        category: 'GroupManagement',
        correlationId: 'run-app',
        result: 'success',
        resultReason: null,
        activityDisplayName: 'Add member to group',
        activityDateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        loggedByService: 'Core Directory',
        operationType: 'Assign',
        initiatedBy: {
          user: null,
          app: {
            appId: app.principal.appId,
            displayName: 'Sync job',
            servicePrincipalId: app.principal.id,
            servicePrincipalName: 'Sync job',
          },
        },
        targetResources: [{ id: GROUP, displayName: 'Finance', type: 'Group', userPrincipalName: null, modifiedProperties: [] }],
        additionalDetails: [{ key: 'source', value: 'sync' }],
      });
      const one = await server.api(`/api/v1/auditLogs/directoryAudits/${added.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(added);
    });

    it('names a user initiator with its IP address', async () => {
      const r = await list(`?$top=1&$filter=${encodeURIComponent("initiatedBy/user/id eq '" + ada.principal.id + "'")}`);
      expect(r.body.value[0].initiatedBy).toEqual({
        user: { id: ada.principal.id, displayName: 'Ada', userPrincipalName: 'ada@example.com', ipAddress: '198.51.100.4' },
        app: null,
      });
    });

    it('pages with $top and an @odata.nextLink that is the whole next URL', async () => {
      const filter = encodeURIComponent("correlationId eq 'run-ada'");
      const seen: string[] = [];
      let next: string | undefined = `/api/v1/auditLogs/directoryAudits?$top=3&$filter=${filter}`;
      let pages = 0;
      while (next) {
        const r = await server.api(next);
        expect(r.status).toBe(200);
        expect(r.body.value.length).toBeLessThanOrEqual(3);
        seen.push(...r.body.value.map((e: { id: string }) => e.id));
        const link: string | undefined = r.body['@odata.nextLink'];
        if (link) expect(link.startsWith(`${server.config.publicUrl.origin}/api/v1/auditLogs/directoryAudits?`)).toBe(true);
        next = link?.slice(server.config.publicUrl.origin.length);
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
    });

    it('filters as Graph does', async () => {
      const count = async (f: string) => {
        const r = await list(`?$top=999&$filter=${encodeURIComponent(f)}`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.value.length as number;
      };
      expect(await count("activityDisplayName eq 'Add user' and correlationId eq 'run-ada'")).toBe(4);
      expect(await count("startswith(activityDisplayName, 'update') and correlationId eq 'run-ada'")).toBe(3);
      expect(await count(`targetResources/any(t: t/id eq '${GROUP}')`)).toBe(2);
      expect(await count("targetResources/any(t: startswith(t/displayName, 'fin'))")).toBe(2);
      expect(await count("targetResources/any(t: t/id eq 'eeeeeeee-0000-4000-8000-000000000003') and correlationId eq 'run-ada'")).toBe(1);
      expect(await count(`initiatedBy/app/appId eq '${app.principal.appId}' and result eq 'failure'`)).toBe(1);
      expect(await count("startswith(initiatedBy/user/userPrincipalName, 'ADA@')")).toBe(7);
      expect(await count(`activityDateTime ge ${before} and correlationId eq 'run-app'`)).toBe(2);
      expect(await count(`activityDateTime le ${before} and correlationId eq 'run-app'`)).toBe(0);
      expect(await count("id eq 'not-a-uuid'")).toBe(0);
    });

    it.each([
      ["category eq 'a' or category eq 'b'", 'Request_UnsupportedQuery'],
      ['category eq', 'Request_BadRequest'],
      ["password eq 'x'", 'Request_UnsupportedQuery'],
    ])('answers an invalid $filter %j with 400', async (f, code) => {
      const r = await list(`?$filter=${encodeURIComponent(f)}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(code);
      expect(typeof r.body.error.message).toBe('string');
    });

    it('answers bad $top and $skiptoken with 400, an unknown id with 404', async () => {
      for (const q of ['?$top=0', '?$top=1000', '?$top=abc', '?$skiptoken=bm9wZQ']) {
        const r = await list(q);
        expect(r.status, q).toBe(400);
        expect(r.body.error.code).toBe('Request_BadRequest');
      }
      const missing = await server.api('/api/v1/auditLogs/directoryAudits/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('Request_ResourceNotFound');
    });

    it('needs audit.read: no token 401, a role without audit access 403, Global Reader 200', async () => {
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: null })).status).toBe(401);
      const helpdesk = await server.token({ roles: ['Helpdesk Administrator'] });
      const denied = await server.api('/api/v1/auditLogs/directoryAudits', { token: helpdesk });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('Authorization_RequestDenied');
      const noScope = await server.token({ scopes: ['User.Read.All'] });
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: noScope })).status).toBe(403);
      const reader = await server.token({ roles: ['Global Reader'], scopes: ['AuditLog.Read.All'] });
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: reader })).status).toBe(200);
    });

    it('keeps pages stable while entries are appended (keyset on the sequence)', async () => {
      const filter = encodeURIComponent("correlationId eq 'run-ada'");
      const first = await list(`?$top=4&$filter=${filter}`);
      await recordAudit(server.runtime.store.db, ada, { category: 'UserManagement', activity: 'Delete user', operationType: 'Delete' });
      const link: string = first.body['@odata.nextLink'];
      const second = await server.api(link.slice(server.config.publicUrl.origin.length));
      const ids = [...first.body.value, ...second.body.value].map((e: { id: string }) => e.id);
      expect(ids).toHaveLength(7);
      expect(new Set(ids).size).toBe(7);
      expect(second.body.value.map((e: { activityDisplayName: string }) => e.activityDisplayName)).not.toContain('Delete user');
      expect((await list(`?$top=1&$filter=${filter}`)).body.value[0].activityDisplayName).toBe('Delete user');
    });

    it('POST /auditLogs/verifyChain reports the chain and checks an anchor', async () => {
      const ok = await server.api('/api/v1/auditLogs/verifyChain', { body: {} });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ ok: true, firstBroken: null, issues: [], head: { anchor: expect.stringMatching(/^\d+:[0-9a-f]{64}$/) } });
      expect(ok.body.checked).toBe(ok.body.head.seq);
      const anchored = await server.api('/api/v1/auditLogs/verifyChain', { body: { expectHead: ok.body.head.anchor } });
      expect(anchored.body).toMatchObject({ ok: true, anchor: { found: true, appendedSince: 0 } });
      const unknown = await server.api('/api/v1/auditLogs/verifyChain', { body: { expectHead: `1:${'f'.repeat(64)}` } });
      expect(unknown.body).toMatchObject({ ok: false, firstBroken: { kind: 'truncated' } });
      for (const body of [{ expectHead: 'nope' }, { extra: 1 }, []]) {
        const bad = await server.api('/api/v1/auditLogs/verifyChain', { body });
        expect(bad.status, JSON.stringify(body)).toBe(400);
        expect(bad.body.error.code).toBe('Request_BadRequest');
      }
      const helpdesk = await server.token({ roles: ['Helpdesk Administrator'] });
      expect((await server.api('/api/v1/auditLogs/verifyChain', { body: {}, token: helpdesk })).status).toBe(403);
    });
  });
}
