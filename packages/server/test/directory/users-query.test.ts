import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const q = (s: string) => encodeURIComponent(s);

for (const kind of STORE_KINDS) {
  describe(`users collection queries [${kind}]`, () => {
    let s: TestServer;
    const created: string[] = [];
    const get = (next: string) => {
      const u = new URL(next, s.config.publicUrl);
      return s.api(u.pathname + u.search);
    };
    beforeAll(async () => {
      s = await startTestServer(kind);
      for (let i = 0; i < 23; i++) {
        const dept = i % 3 === 0 ? 'Sales' : 'Engineering';
        const r = await s.api('/api/v1/users', {
          body: {
            userPrincipalName: `p${String(i).padStart(2, '0')}@fabrikam.example`,
            displayName: `Person ${i}`,
            department: dept,
            accountEnabled: i % 5 !== 0,
          },
        });
        created.push(r.body.id);
      }
    });
    afterAll(async () => s?.close());

    it('walks every page with $top and @odata.nextLink, each user once', async () => {
      const seen: string[] = [];
      let next: string | undefined = `/api/v1/users?$top=5&$filter=${q("startswith(userPrincipalName,'p')")}`;
      let pages = 0;
      while (next) {
        const r = await get(next);
        expect(r.status).toBe(200);
        expect(r.body['@odata.context']).toMatch(/\$metadata#users$/);
        expect(r.body.value.length).toBeLessThanOrEqual(5);
        seen.push(...r.body.value.map((u: { id: string }) => u.id));
        next = r.body['@odata.nextLink'];
        if (next) expect(next).toMatch(/^http.*\/api\/v1\/users\?\$top=5&\$filter=.*&\$skiptoken=/);
        pages++;
      }
      expect(pages).toBe(5);
      expect(seen.sort()).toEqual([...created].sort());
    });

    it('defaults $top to 100 and refuses out-of-range values', async () => {
      const r = await s.api('/api/v1/users');
      expect(r.body.value.length).toBe(24); // 23 + the bootstrap administrator
      expect(r.body['@odata.nextLink']).toBeUndefined();
      for (const top of ['0', '1000', '-1', 'ten', '1.5']) {
        const bad = await s.api(`/api/v1/users?$top=${top}`);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(/\$top/);
      }
    });

    it('$select returns only the named properties (and id)', async () => {
      const r = await s.api('/api/v1/users?$select=displayName,accountEnabled&$top=3');
      expect(r.body['@odata.context']).toMatch(/#users\(id,displayName,accountEnabled\)$/);
      for (const u of r.body.value) expect(Object.keys(u).sort()).toEqual(['accountEnabled', 'displayName', 'id']);
      expect(new URL(r.body['@odata.nextLink']).searchParams.get('$select')).toBe('id,displayName,accountEnabled');
      const bad = await s.api('/api/v1/users?$select=displayName,passwordHash');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/passwordHash/);
    });

    it('$count adds @odata.count on the first page only, with or without ConsistencyLevel', async () => {
      const first = await s.api(`/api/v1/users?$count=true&$top=4&$filter=${q("department eq 'sales'")}`, {
        headers: { ConsistencyLevel: 'eventual' },
      });
      expect(first.body['@odata.count']).toBe(8);
      const second = await get(first.body['@odata.nextLink']);
      expect(second.body['@odata.count']).toBeUndefined();
      expect((await s.api('/api/v1/users?$count=true')).body['@odata.count']).toBe(24);
      expect((await s.api('/api/v1/users?$count=maybe')).status).toBe(400);
    });

    it('filters with eq, startswith, and, or and parentheses', async () => {
      const count = async (f: string) => {
        const r = await s.api(`/api/v1/users?$count=true&$filter=${q(f)}`);
        expect(r.status).toBe(200);
        return r.body['@odata.count'];
      };
      expect(await count("userPrincipalName eq 'P07@FABRIKAM.EXAMPLE'")).toBe(1);
      expect(await count("startswith(displayName,'person 1')")).toBe(11); // 1, 10–19
      expect(await count("department eq 'Sales' and accountEnabled eq false")).toBe(2); // 0, 15
      expect(await count("(department eq 'Sales' or startswith(displayName,'Person 2')) and accountEnabled eq true")).toBe(8); // {0,3,…,21} ∪ {2,20,21,22} less 0, 15, 20
      expect(await count("jobTitle eq null and startswith(userPrincipalName,'p0')")).toBe(10);
      expect(await count(`id eq '${created[3]}'`)).toBe(1);
      expect(await count("startswith(displayName,'100%_')")).toBe(0);
    });

    it.each([
      ["displayName eq 'x", 'Request_BadRequest'],
      ["displayName eq 'x' and", 'Request_BadRequest'],
      ['displayName eq', 'Request_BadRequest'],
      ["(displayName eq 'x'", 'Request_BadRequest'],
      ["passwordHash eq 'x'", 'Request_UnsupportedQuery'],
      ["displayName ne 'x'", 'Request_UnsupportedQuery'],
      ["endswith(mail,'@x')", 'Request_UnsupportedQuery'],
      ["not (displayName eq 'x')", 'Request_UnsupportedQuery'],
      ["accountEnabled eq 'yes'", 'Request_BadRequest'],
      ["id eq 'not-a-guid'", 'Request_BadRequest'],
      ["startswith(accountEnabled,'t')", 'Request_UnsupportedQuery'],
      ["displayName eq 'a\u0000'", 'Request_BadRequest'],
      ['', 'Request_BadRequest'],
    ])('refuses $filter=%s with 400 %s', async (filter, code) => {
      const r = await s.api(`/api/v1/users?$filter=${q(filter)}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message.length).toBeGreaterThan(10);
    });

    it('refuses unsupported options and forged skiptokens', async () => {
      for (const p of ['$orderby=displayName', '$search="displayName:x"', '$expand=memberOf', '$skip=5']) {
        const r = await s.api(`/api/v1/users?${p}`);
        expect(r.status).toBe(400);
        expect(r.body.error.code).toBe('Request_UnsupportedQuery');
      }
      for (const tok of ['garbage', Buffer.from("k.' or 1=1 --").toString('base64url'), Buffer.from('a.12').toString('base64url')]) {
        expect((await s.api(`/api/v1/users?$skiptoken=${tok}`)).status).toBe(400);
      }
    });
  });
}
