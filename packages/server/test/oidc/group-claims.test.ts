import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, newUser, registerApp, registerPasskey } from '../signin/support.ts';
import { groupClaims, MAX_GROUPS_IN_TOKEN } from '../../src/oidc/group-claims.ts';

/**
 * Graph `groupMembershipClaims` on an application: its ID tokens (and userinfo) name the person's
 * groups by object id, transitively: `SecurityGroup` the security-enabled ones, `All` every one;
 * none by default. Over MAX_GROUPS_IN_TOKEN, `hasgroups: true` instead (oidc/group-claims.ts).
 */
for (const kind of STORE_KINDS) {
  describe(`the groups claim [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    const group = async (displayName: string) => {
      const r = await server.api('/api/v1/groups', { body: { displayName, mailEnabled: false, securityEnabled: true, mailNickname: displayName.replace(/\W/g, ''), groupTypes: [] } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    /** A group that is not security-enabled: the API keeps security groups only, but a directory sync may bring others (written here directly). */
    const otherGroup = async (displayName: string) => {
      const id = crypto.randomUUID();
      const now = new Date();
      await server.runtime.store.db
        .insertInto('groups')
        .values({ id, display_name: displayName, mail_nickname: displayName.replace(/\W/g, ''), security_enabled: false, mail_enabled: true, group_types: JSON.stringify(['Unified']), created_at: now, updated_at: now })
        .execute();
      return id;
    };
    const addMember = async (groupId: string, memberId: string, type: 'users' | 'groups') =>
      expect((await server.api(`/api/v1/groups/${groupId}/members/$ref`, { body: { '@odata.id': `${server.config.issuer}/api/v1/${type}/${memberId}` } })).status).toBe(204);
    const signIn = async (rp: Awaited<ReturnType<typeof registerApp>>, user: { id: string }, auth: Awaited<ReturnType<typeof registerPasskey>>) => {
      const b = await beginSignIn(server, rp);
      await b.post('start');
      return b.finish((await b.usernamelessPasskey(auth)).body.redirectTo);
    };
    const setting = async (rp: { appId: string }, value: string | null) => {
      const app = (await server.api(`/api/v1/applications?$filter=${encodeURIComponent(`appId eq '${rp.appId}'`)}`)).body.value[0];
      const r = await server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { groupMembershipClaims: value } });
      expect(r.status).toBe(204);
      return app.id as string;
    };

    it('SecurityGroup: the security groups, nested ones too; All: every group; None: no claim; in the ID token and at userinfo', async () => {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const engineers = await group('Engineers');
      const staff = await group('All staff'); // Engineers is a member of All staff
      const social = await otherGroup('Social club'); // a Microsoft 365 group, not security-enabled
      await addMember(engineers, user.id, 'users');
      await addMember(staff, engineers, 'groups');
      await server.runtime.store.db.insertInto('group_members').values({ group_id: social, member_id: user.id, member_type: 'user' }).execute();
      const rp = await registerApp(server, 'https://grafana.example/login/generic_oauth');
      const appObjectId = await setting(rp, 'SecurityGroup');
      expect((await server.api(`/api/v1/applications/${appObjectId}`)).body.groupMembershipClaims).toBe('SecurityGroup');

      const secure = await signIn(rp, user, auth);
      expect(secure.claims()?.groups).toEqual([engineers, staff].sort());
      expect((await oidc.fetchUserInfo(rp.config, secure.access_token, user.id)).groups).toEqual([engineers, staff].sort());

      await setting(rp, 'All');
      expect((await signIn(rp, user, auth)).claims()?.groups).toEqual([engineers, staff, social].sort());
      await setting(rp, 'None');
      expect((await signIn(rp, user, auth)).claims()).not.toHaveProperty('groups');
      await setting(rp, null);
      expect((await signIn(rp, user, auth)).claims()).not.toHaveProperty('groups');
      // Another app without the setting never sees them.
      const other = await registerApp(server, 'https://other.example/cb');
      expect((await signIn(other, user, auth)).claims()).not.toHaveProperty('groups');
    });

    it(`more than ${MAX_GROUPS_IN_TOKEN} groups: hasgroups instead of the list`, async () => {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const db = server.runtime.store.db;
      const now = new Date();
      const rows = Array.from({ length: MAX_GROUPS_IN_TOKEN + 1 }, (_, i) => ({ id: crypto.randomUUID(), display_name: `Big ${i}`, mail_nickname: `big${i}`, created_at: now, updated_at: now }));
      await db.insertInto('groups').values(rows.map((r) => ({ ...r, group_types: JSON.stringify([]) }))).execute();
      await db.insertInto('group_members').values(rows.map((r) => ({ group_id: r.id, member_id: user.id, member_type: 'user' as const }))).execute();
      const rp = await registerApp(server, 'https://argocd.example/auth/callback');
      await setting(rp, 'SecurityGroup');
      const claims = (await signIn(rp, user, auth)).claims()!;
      expect(claims.hasgroups).toBe(true);
      expect(claims).not.toHaveProperty('groups');
    });

    it('the first-party clients (not uuids, no registration) get no claim and no error', async () => {
      const user = await newUser(server);
      expect(await groupClaims(server.runtime.store.db, 'latchkey-my', user.id)).toEqual({});
      expect(await groupClaims(server.runtime.store.db, 'latchkey-console', user.id)).toEqual({});
    });

    it('refuses values Latchkey does not offer, changing nothing', async () => {
      const rp = await registerApp(server, 'https://refuse.example/cb');
      const appObjectId = await setting(rp, 'All');
      for (const value of ['DirectoryRole', 'ApplicationGroup', 'securitygroup', 7]) {
        const r = await server.api(`/api/v1/applications/${appObjectId}`, { method: 'PATCH', body: { groupMembershipClaims: value } });
        expect(r.status, String(value)).toBe(400);
        expect(r.body.error.code).toBe('Request_BadRequest');
      }
      expect((await server.api(`/api/v1/applications/${appObjectId}`)).body.groupMembershipClaims).toBe('All');
    });
  });
}
