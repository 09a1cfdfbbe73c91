import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../server/test/support/stores.ts';
import { freePort, startTestServer, type TestServer } from '../../server/test/support/server.ts';
import { ApiError, createApiClient, type ApiClient } from '../src/api/client.ts';
import { directory } from '../src/api/directory.ts';
import { audit, auditFilter } from '../src/api/audit.ts';
import { literal } from '../src/api/odata.ts';
import { userPatch } from '../src/admin/users/userPatch.ts';
import type { Page, User } from '../src/api/types.ts';

const signal = () => new AbortController().signal;

describe('OData helpers', () => {
  it('doubles single quotes in string literals', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
  });
  it('joins audit conditions with and, and leaves the filter out when empty', () => {
    expect(auditFilter({ category: '', activity: ' ', result: '', since: '' })).toBeUndefined();
    expect(auditFilter({ category: 'UserManagement', activity: 'Add', result: 'success', since: '' })).toBe(
      "category eq 'UserManagement' and startswith(activityDisplayName,'Add') and result eq 'success'",
    );
    expect(auditFilter({ category: '', activity: '', result: '', since: '24h' }, new Date('2026-11-30T12:00:00Z'))).toBe(
      'activityDateTime ge 2026-11-29T12:00:00.000Z',
    );
  });
  it('sends only changed user properties, and null for an emptied optional one', () => {
    const before = {
      id: 'u',
      userPrincipalName: 'a@x.test',
      displayName: 'A',
      mail: 'a@x.test',
      accountEnabled: true,
      createdDateTime: '',
      jobTitle: null,
      department: 'R&D',
    };
    expect(
      userPatch(before, { displayName: 'A', userPrincipalName: 'a@x.test', mail: 'a@x.test', jobTitle: '', department: 'R&D' }),
    ).toEqual({});
    expect(userPatch(before, { displayName: ' B ', userPrincipalName: 'a@x.test', mail: '', jobTitle: 'CTO', department: 'R&D' })).toEqual({
      displayName: 'B',
      mail: null,
      jobTitle: 'CTO',
    });
  });
});

/** The console's API client and query builders against a real server on each backend. */
for (const kind of STORE_KINDS) {
  describe(`web API client against a real server [${kind}]`, () => {
    let server: TestServer;
    let token: string | null;
    let api: ApiClient;
    const unauthorized: ApiError[] = [];

    beforeAll(async () => {
      server = await startTestServer(kind);
      token = await server.token();
      api = createApiClient({ baseUrl: `${server.url}/api/v1`, getToken: () => token, onUnauthorized: (e) => unauthorized.push(e) });
    });
    afterAll(async () => server?.close());

    it('creates a user, and turns a duplicate into an ApiError with the Graph code and message', async () => {
      const created = await directory.createUser(api, {
        displayName: 'Grace Hopper',
        userPrincipalName: 'grace@latchkey.local',
        accountEnabled: true,
      });
      expect(created).toMatchObject({ displayName: 'Grace Hopper', userPrincipalName: 'grace@latchkey.local', accountEnabled: true });
      const err = await directory
        .createUser(api, { displayName: 'Grace Again', userPrincipalName: 'GRACE@latchkey.local', accountEnabled: true })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 409, code: 'Request_Conflict' });
      expect((err as ApiError).message).toMatch(/userPrincipalName already exists/);
      expect((err as ApiError).requestId).toBeTruthy();
      const all = await directory.listUsers(api, 'Grace', signal());
      expect(all.value.map((u) => u.userPrincipalName)).toEqual(['grace@latchkey.local']);
    });

    it('disables a user with PATCH (204) and reads it back', async () => {
      const u = await directory.createUser(api, {
        displayName: 'Disable Me',
        userPrincipalName: 'disable.me@latchkey.local',
        accountEnabled: true,
      });
      expect(await directory.updateUser(api, u.id, { accountEnabled: false })).toBeUndefined();
      expect((await directory.getUser(api, u.id)).accountEnabled).toBe(false);
      const edited = userPatch(u, {
        displayName: 'Disabled Person',
        userPrincipalName: u.userPrincipalName,
        mail: '',
        jobTitle: 'Tester',
        department: '',
      });
      await directory.updateUser(api, u.id, edited);
      expect(await directory.getUser(api, u.id)).toMatchObject({
        displayName: 'Disabled Person',
        jobTitle: 'Tester',
        mail: null,
        department: null,
      });
    });

    it('searches names holding an apostrophe (the quote is doubled, not an injection)', async () => {
      await directory.createUser(api, { displayName: "Conan O'Brien", userPrincipalName: 'conan@latchkey.local', accountEnabled: true });
      const found = await directory.listUsers(api, "Conan O'B", signal());
      expect(found.value.map((u) => u.userPrincipalName)).toEqual(['conan@latchkey.local']);
      const byUpn = await directory.listUsers(api, 'conan@', signal());
      expect(byUpn.value).toHaveLength(1);
    });

    it('follows @odata.nextLink page by page to the end', async () => {
      for (let i = 0; i < 5; i++)
        await directory.createUser(api, { displayName: `Pager ${i}`, userPrincipalName: `pager${i}@latchkey.local`, accountEnabled: true });
      const seen: string[] = [];
      let page: Page<User> = await api.page<User>(`/users?$top=2&$filter=${encodeURIComponent("startswith(displayName,'Pager')")}`);
      let pages = 1;
      seen.push(...page.value.map((u) => u.displayName));
      while (page['@odata.nextLink']) {
        page = await api.page<User>(page['@odata.nextLink']);
        pages++;
        seen.push(...page.value.map((u) => u.displayName));
      }
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(['Pager 0', 'Pager 1', 'Pager 2', 'Pager 3', 'Pager 4']);
    });

    it('reads the audit trail with the console filters', async () => {
      const page = await audit.list(api, { category: 'UserManagement', activity: 'Add', result: 'success', since: '1h' }, signal());
      expect(page.value.length).toBeGreaterThan(0);
      for (const e of page.value) {
        expect(e.category).toBe('UserManagement');
        expect(e.activityDisplayName.startsWith('Add')).toBe(true);
      }
      expect(page.value.some((e) => e.targetResources.some((t) => t.userPrincipalName === 'grace@latchkey.local'))).toBe(true);
      const one = await audit.get(api, page.value[0]!.id, signal());
      expect(one.id).toBe(page.value[0]!.id);
    });

    it('throws 401 and tells the app once when the token is bad', async () => {
      const before = unauthorized.length;
      token = 'not-a-token';
      const err = await directory.listUsers(api, '', signal()).catch((e: unknown) => e);
      token = await server.token();
      expect(err).toMatchObject({ status: 401 });
      expect(unauthorized.length).toBe(before + 1);
    });

    it('reports an unreachable server as NetworkError with status 0', async () => {
      const dead = createApiClient({ baseUrl: `http://127.0.0.1:${await freePort()}/api/v1`, getToken: () => null });
      const err = await dead.get('/users').catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 0, code: 'NetworkError' });
    });
  });
}
