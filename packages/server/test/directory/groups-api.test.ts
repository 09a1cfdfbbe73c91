import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { counts, ref } from './helpers.ts';

for (const kind of STORE_KINDS) {
  describe(`groups API [${kind}]`, () => {
    let s: TestServer;
    const user = async (alias: string) =>
      (await s.api('/api/v1/users', { body: { userPrincipalName: `${alias}@contoso.example`, displayName: alias } })).body.id as string;
    const group = async (displayName: string, extra: Record<string, unknown> = {}) => {
      const r = await s.api('/api/v1/groups', {
        body: {
          displayName,
          mailEnabled: false,
          securityEnabled: true,
          mailNickname: displayName.replace(/\W/g, ''),
          groupTypes: [],
          ...extra,
        },
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const ids = (r: { body: { value: Array<{ id: string }> } }) => r.body.value.map((o) => o.id).sort();
    beforeAll(async () => {
      s = await startTestServer(kind);
    });
    afterAll(async () => s?.close());

    it('creates, reads, updates and deletes a security group', async () => {
      const created = await s.api('/api/v1/groups', {
        body: {
          displayName: 'Onboarding',
          mailEnabled: false,
          mailNickname: 'onboarding',
          securityEnabled: true,
          groupTypes: [],
          description: 'New hires',
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        displayName: 'Onboarding',
        mailNickname: 'onboarding',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        isAssignableToRole: false,
        description: 'New hires',
      });
      const id = created.body.id;
      expect((await s.api(`/api/v1/groups/${id}`, { method: 'PATCH', body: { description: 'Starters' } })).status).toBe(204);
      expect((await s.api(`/api/v1/groups/${id}?$select=description`)).body).toEqual({ id, description: 'Starters' });
      expect((await s.api(`/api/v1/groups/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await s.api(`/api/v1/groups/${id}`)).status).toBe(404);
      const audits = await s.api(
        `/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${id}')`)}`,
      );
      expect(audits.body.value.map((a: { activityDisplayName: string }) => a.activityDisplayName)).toEqual([
        'Delete group',
        'Update group',
        'Add group',
      ]);
    });

    it('adds and removes members through $ref with Graph status codes', async () => {
      const g = await group('Team A');
      const u = await user('amy');
      expect((await s.api(`/api/v1/groups/${g}/members/$ref`, { body: ref(s, u) })).status).toBe(204);
      expect(ids(await s.api(`/api/v1/groups/${g}/members`))).toEqual([u]);
      expect((await s.api(`/api/v1/groups/${g}/members`)).body.value[0]['@odata.type']).toBe('#microsoft.graph.user');
      expect(ids(await s.api(`/api/v1/users/${u}/memberOf`))).toEqual([g]);

      const before = await counts(s);
      const again = await s.api(`/api/v1/groups/${g}/members/$ref`, { body: ref(s, u) });
      expect(again.status).toBe(400);
      expect(again.body.error.code).toBe('Request_BadRequest');
      const unknownObject = await s.api(`/api/v1/groups/${g}/members/$ref`, { body: ref(s, '11111111-1111-4111-8111-111111111111') });
      expect(unknownObject.status).toBe(404);
      const unknownGroup = await s.api('/api/v1/groups/22222222-2222-4222-8222-222222222222/members/$ref', { body: ref(s, u) });
      expect(unknownGroup.status).toBe(404);
      expect(unknownGroup.body.error.code).toBe('Request_ResourceNotFound');
      const self = await s.api(`/api/v1/groups/${g}/members/$ref`, { body: ref(s, g) });
      expect(self.status).toBe(400);
      expect(self.body.error.message).toMatch(/itself/);
      const badRef = await s.api(`/api/v1/groups/${g}/members/$ref`, { body: { '@odata.id': 'https://x/whatever/123' } });
      expect(badRef.status).toBe(400);
      expect(await counts(s)).toEqual(before);

      expect((await s.api(`/api/v1/groups/${g}/members/${u}/$ref`, { method: 'DELETE' })).status).toBe(204);
      expect((await s.api(`/api/v1/groups/${g}/members/${u}/$ref`, { method: 'DELETE' })).status).toBe(404);
      expect(ids(await s.api(`/api/v1/groups/${g}/members`))).toEqual([]);
      const audits = await s.api(
        `/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${g}') and category eq 'GroupManagement'`)}`,
      );
      expect(audits.body.value.map((a: { activityDisplayName: string }) => a.activityDisplayName)).toEqual([
        'Remove member from group',
        'Add member to group',
        'Add group',
      ]);
    });

    it('answers 404 for member lists of unknown groups and users', async () => {
      expect((await s.api('/api/v1/groups/33333333-3333-4333-8333-333333333333/members')).status).toBe(404);
      expect((await s.api('/api/v1/groups/not-a-guid/transitiveMembers')).status).toBe(404);
      expect((await s.api('/api/v1/users/33333333-3333-4333-8333-333333333333/transitiveMemberOf')).status).toBe(404);
    });

    it('resolves nested membership transitively, and cycles terminate', async () => {
      // top ⊃ mid ⊃ leaf ∋ u ; and a cycle top ∈ leaf.
      const [top, mid, leaf] = [await group('Top'), await group('Mid'), await group('Leaf')];
      const u = await user('nina');
      for (const [parent, child] of [
        [top, mid],
        [mid, leaf],
        [leaf, u],
      ] as const)
        expect((await s.api(`/api/v1/groups/${parent}/members/$ref`, { body: ref(s, child) })).status).toBe(204);
      expect(ids(await s.api(`/api/v1/users/${u}/memberOf`))).toEqual([leaf]);
      expect(ids(await s.api(`/api/v1/users/${u}/transitiveMemberOf`))).toEqual([top, mid, leaf].sort());
      expect(ids(await s.api(`/api/v1/groups/${top}/transitiveMembers`))).toEqual([mid, leaf, u].sort());
      expect(ids(await s.api(`/api/v1/groups/${leaf}/transitiveMemberOf`))).toEqual([top, mid].sort());

      expect((await s.api(`/api/v1/groups/${leaf}/members/$ref`, { body: ref(s, top) })).status).toBe(204);
      expect(ids(await s.api(`/api/v1/users/${u}/transitiveMemberOf`))).toEqual([top, mid, leaf].sort());
      expect(ids(await s.api(`/api/v1/groups/${top}/transitiveMembers`))).toEqual([mid, leaf, u].sort());
      expect(ids(await s.api(`/api/v1/groups/${mid}/transitiveMembers`))).toEqual([top, leaf, u].sort());
      const counted = await s.api(`/api/v1/groups/${top}/transitiveMembers?$count=true&$top=1`);
      expect(counted.body['@odata.count']).toBe(3);
      expect(counted.body.value).toHaveLength(1);
    });

    it('pages members with $top and nextLink', async () => {
      const g = await group('Big');
      const members = [];
      for (let i = 0; i < 7; i++) members.push(await user(`big${i}`));
      for (const m of members) await s.api(`/api/v1/groups/${g}/members/$ref`, { body: ref(s, m) });
      const seen: string[] = [];
      let next: string | undefined = `/api/v1/groups/${g}/members?$top=3&$select=displayName`;
      let pages = 0;
      while (next) {
        const link = new URL(next, s.config.publicUrl);
        const r = await s.api(link.pathname + link.search);
        expect(r.status).toBe(200);
        for (const o of r.body.value) {
          expect(Object.keys(o).sort()).toEqual(['@odata.type', 'displayName', 'id']);
          seen.push(o.id);
        }
        next = r.body['@odata.nextLink'];
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(members.sort());
    });

    it('adds members@odata.bind on create all-or-nothing', async () => {
      const a = await user('bind1');
      const ok = await s.api('/api/v1/groups', {
        body: {
          displayName: 'Bound',
          mailNickname: 'bound',
          mailEnabled: false,
          securityEnabled: true,
          'members@odata.bind': [`${s.url}/api/v1/users/${a}`],
        },
      });
      expect(ok.status).toBe(201);
      expect(ids(await s.api(`/api/v1/groups/${ok.body.id}/members`))).toEqual([a]);
      const before = await counts(s);
      const bad = await s.api('/api/v1/groups', {
        body: {
          displayName: 'Bound2',
          mailNickname: 'bound2',
          mailEnabled: false,
          securityEnabled: true,
          'members@odata.bind': [`${s.url}/api/v1/users/${a}`, `${s.url}/api/v1/users/44444444-4444-4444-8444-444444444444`],
        },
      });
      expect(bad.status).toBe(404);
      expect(await counts(s)).toEqual(before);
    });

    it.each([
      ['over-long displayName', { displayName: 'g'.repeat(257), mailNickname: 'x', mailEnabled: false, securityEnabled: true }],
      ['over-long mailNickname', { displayName: 'G', mailNickname: 'n'.repeat(65), mailEnabled: false, securityEnabled: true }],
      ['mailNickname with a space', { displayName: 'G', mailNickname: 'a b', mailEnabled: false, securityEnabled: true }],
      [
        'a Microsoft 365 group',
        { displayName: 'G', mailNickname: 'g', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] },
      ],
      [
        'a dynamic group',
        { displayName: 'G', mailNickname: 'g', mailEnabled: false, securityEnabled: true, groupTypes: ['DynamicMembership'] },
      ],
      [
        'more than 20 members@odata.bind',
        {
          displayName: 'G',
          mailNickname: 'g',
          'members@odata.bind': Array.from({ length: 21 }, () => 'https://x/directoryObjects/55555555-5555-4555-8555-555555555555'),
        },
      ],
    ])('rejects %s with 400 and writes nothing', async (_n, body) => {
      const before = await counts(s);
      const r = await s.api('/api/v1/groups', { body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('Request_BadRequest');
      expect(await counts(s)).toEqual(before);
    });

    it('refuses to nest groups inside a role-assignable group', async () => {
      const ra = await group('Admins RA', { isAssignableToRole: true });
      const other = await group('Other');
      const r = await s.api(`/api/v1/groups/${ra}/members/$ref`, { body: ref(s, other) });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/role-assignable/);
    });

    it('filters groups with startswith and eq, and counts', async () => {
      await group('Sales EMEA');
      await group('Sales APAC');
      const r = await s.api(`/api/v1/groups?$filter=${encodeURIComponent("startswith(displayName,'sales')")}&$count=true`);
      expect(r.status).toBe(200);
      expect(r.body['@odata.count']).toBe(2);
      expect(r.body.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual(['Sales APAC', 'Sales EMEA']);
      const bad = await s.api(`/api/v1/groups?$filter=${encodeURIComponent("startswith(displayName,'sales'")}`);
      expect(bad.status).toBe(400);
    });
  });
}
