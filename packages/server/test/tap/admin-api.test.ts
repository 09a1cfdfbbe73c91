import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ROLE } from '../../src/directory/roles.ts';
import { TAP_ALPHABET } from '../../src/methods/tap/generate.ts';
import { issueTemporaryAccessPass } from '../../src/methods/tap/issue.ts';
import { countRows, ctx, newUser, setTapPolicy } from './support.ts';

const path = (id: string) => `/api/v1/users/${id}/authentication/temporaryAccessPassMethods`;

for (const kind of STORE_KINDS) {
  describe(`TAP admin API (Graph temporaryAccessPassMethods) [${kind}]`, () => {
    let server: TestServer;
    let db: TestServer['runtime']['store']['db'];
    beforeAll(async () => {
      server = await startTestServer(kind);
      db = server.runtime.store.db;
    });
    afterAll(async () => server?.close());
    beforeEach(async () =>
      setTapPolicy(db, {
        isUsableOnce: false,
        minimumLifetimeInMinutes: 60,
        maximumLifetimeInMinutes: 480,
        defaultLifetimeInMinutes: 60,
        defaultLength: 8,
      }),
    );

    it('issues with the policy defaults: 201, the pass once (policy length, safe alphabet), never on GET', async () => {
      const user = await newUser(db);
      const r = await server.api(path(user.id), { body: {} });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
        lifetimeInMinutes: 60,
        isUsableOnce: false,
        isUsable: true,
        methodUsabilityReason: 'EnabledByPolicy',
      });
      const pass = r.body.temporaryAccessPass as string;
      expect(pass).toHaveLength(8);
      expect([...pass].every((c) => TAP_ALPHABET.includes(c))).toBe(true);
      const list = await server.api(path(user.id));
      expect(list.status).toBe(200);
      expect(list.body.value).toHaveLength(1);
      expect(list.body.value[0]).toMatchObject({ id: r.body.id, temporaryAccessPass: null, isUsable: true });
      const one = await server.api(`${path(user.id)}/${r.body.id}`);
      expect(one.body.temporaryAccessPass).toBeNull();
      expect(JSON.stringify([list.body, one.body])).not.toContain(pass);
      // Stored hashed: no column holds the pass.
      const row = await db.selectFrom('tap_methods').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(pass);
      // By UPN too (Graph accepts either).
      expect((await server.api(path(user.upn))).body.value[0].id).toBe(r.body.id);
    });

    it("lifetime out of range → 400 with Entra's message, nothing written", async () => {
      const user = await newUser(db);
      const [taps, audits] = [await countRows(db, 'tap_methods'), await countRows(db, 'audit_log')];
      for (const lifetimeInMinutes of [59, 481, 10]) {
        const r = await server.api(path(user.id), { body: { lifetimeInMinutes } });
        expect(r.status).toBe(400);
        expect(r.body.error).toEqual({
          code: 'Request_BadRequest',
          message: 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.',
        });
      }
      expect(await countRows(db, 'tap_methods')).toBe(taps);
      expect(await countRows(db, 'audit_log')).toBe(audits);
      const bad = await server.api(path(user.id), { body: { lifetimeInMinutes: 'sixty' } });
      expect(bad.status).toBe(400);
    });

    it("the range in the message is the tenant's", async () => {
      await setTapPolicy(db, { minimumLifetimeInMinutes: 10, maximumLifetimeInMinutes: 120, defaultLifetimeInMinutes: 30 });
      const r = await server.api(path((await newUser(db)).id), { body: { lifetimeInMinutes: 121 } });
      expect(r.body.error.message).toBe('Invalid LifetimeInMinutes specified. The valid range between 10 and 120.');
    });

    it('isUsableOnce is forced when the policy says so; the policy length applies', async () => {
      await setTapPolicy(db, { isUsableOnce: true, defaultLength: 12 });
      const r = await server.api(path((await newUser(db)).id), { body: { isUsableOnce: false, lifetimeInMinutes: 120 } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ isUsableOnce: true, lifetimeInMinutes: 120 });
      expect(r.body.temporaryAccessPass).toHaveLength(12);
    });

    it('a later start is NotYetValid; a pass issued 2 hours ago for 1 hour is Expired', async () => {
      const later = await newUser(db);
      const start = new Date(Date.now() + 3_600_000).toISOString();
      const r = await server.api(path(later.id), { body: { startDateTime: start } });
      expect(r.body).toMatchObject({ isUsable: false, methodUsabilityReason: 'NotYetValid', startDateTime: start });
      const old = await newUser(db);
      await issueTemporaryAccessPass(db, ctx, old.id, { lifetimeInMinutes: 60 }, new Date(Date.now() - 2 * 3_600_000));
      expect((await server.api(path(old.id))).body.value[0]).toMatchObject({ isUsable: false, methodUsabilityReason: 'Expired' });
      // A start so far back that the pass would already be over is refused.
      expect(
        (await server.api(path(old.id), { body: { startDateTime: new Date(Date.now() - 10 * 3_600_000).toISOString() } })).status,
      ).toBe(400);
    });

    it('a user out of the policy scope shows DisabledByPolicy; a disabled policy refuses to issue (nothing written)', async () => {
      const user = await newUser(db);
      const r = await server.api(path(user.id), { body: {} });
      await setTapPolicy(db, { excludeTargets: [{ id: user.id, targetType: 'user' }] });
      expect((await server.api(path(user.id))).body.value[0]).toMatchObject({
        id: r.body.id,
        isUsable: false,
        methodUsabilityReason: 'DisabledByPolicy',
      });
      const taps = await countRows(db, 'tap_methods');
      const refused = await server.api(path(user.id), { body: {} });
      expect(refused.status).toBe(400);
      expect(await countRows(db, 'tap_methods')).toBe(taps);
      await setTapPolicy(db, { excludeTargets: [] });
    });

    it('a new pass replaces the old one; both changes are audited', async () => {
      const user = await newUser(db);
      const first = (await server.api(path(user.id), { body: {} })).body;
      const second = (await server.api(path(user.id), { body: { isUsableOnce: true } })).body;
      expect(second.id).not.toBe(first.id);
      const list = (await server.api(path(user.id))).body.value;
      expect(list.map((t: { id: string }) => t.id)).toEqual([second.id]);
      expect((await server.api(`${path(user.id)}/${first.id}`)).status).toBe(404);
      const audits = await db
        .selectFrom('audit_log')
        .select(['activity_display_name', 'additional_details'])
        .where('activity_display_name', 'in', ['Add Temporary Access Pass', 'Delete Temporary Access Pass'])
        .execute();
      const mine = audits.filter(
        (a) => JSON.stringify(a.additional_details).includes(first.id) || JSON.stringify(a.additional_details).includes(second.id),
      );
      expect(mine.map((a) => a.activity_display_name).sort()).toEqual([
        'Add Temporary Access Pass',
        'Add Temporary Access Pass',
        'Delete Temporary Access Pass',
      ]);
      expect(JSON.stringify(audits)).not.toContain(second.temporaryAccessPass);
    });

    it('nobody issues a pass for themselves (403), not even a Global Administrator', async () => {
      const me = (await server.api('/api/v1/me')).body?.id ?? server.bootstrap.userId;
      const r = await server.api(path(me), { body: {} });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('Authorization_RequestDenied');
      expect(await db.selectFrom('tap_methods').select('id').where('user_id', '=', me).executeTakeFirst()).toBeUndefined();
    });

    it('roles: Authentication Administrator for non-admins only; Privileged Authentication Administrator for admins; Helpdesk and Global Reader may not issue', async () => {
      const admin = await newUser(db, ROLE.userAdministrator);
      const plain = await newUser(db);
      const authAdmin = await newUser(db, ROLE.authenticationAdministrator);
      const privAuthAdmin = await newUser(db, ROLE.privilegedAuthenticationAdministrator);
      const helpdesk = await newUser(db, ROLE.helpdeskAdministrator);
      const reader = await newUser(db, ROLE.globalReader);
      const as = async (u: { upn: string }) => server.token({ userPrincipalName: u.upn });
      const aa = await as(authAdmin);
      expect((await server.api(path(plain.id), { body: {}, token: aa })).status).toBe(201);
      const onAdmin = await server.api(path(admin.id), { body: {}, token: aa });
      expect(onAdmin.status).toBe(403);
      expect(await db.selectFrom('tap_methods').select('id').where('user_id', '=', admin.id).executeTakeFirst()).toBeUndefined();
      expect((await server.api(path(admin.id), { body: {}, token: await as(privAuthAdmin) })).status).toBe(201);
      expect((await server.api(path(plain.id), { body: {}, token: await as(helpdesk) })).status).toBe(403);
      const rt = await as(reader);
      expect((await server.api(path(plain.id), { body: {}, token: rt })).status).toBe(403);
      const seen = await server.api(path(plain.id), { token: rt });
      expect(seen.status).toBe(200);
      expect(seen.body.value[0].temporaryAccessPass).toBeNull();
      // The right role without the Graph permission is not enough either.
      const narrow = await server.token({ userPrincipalName: privAuthAdmin.upn, scopes: ['UserAuthenticationMethod.Read.All'] });
      expect((await server.api(path(plain.id), { body: {}, token: narrow })).status).toBe(403);
      expect((await server.api(path(plain.id), { body: {}, token: null })).status).toBe(401);
    });

    it('DELETE removes a pass (204, audited); unknown ids and users are 404', async () => {
      const user = await newUser(db);
      const t = (await server.api(path(user.id), { body: {} })).body;
      expect((await server.api(`${path(user.id)}/${crypto.randomUUID()}`, { method: 'DELETE' })).status).toBe(404);
      expect((await server.api(`${path(user.id)}/${t.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(path(user.id))).body.value).toEqual([]);
      expect((await server.api(path(crypto.randomUUID()))).status).toBe(404);
      expect((await server.api(path('nobody@latchkey.test'), { body: {} })).status).toBe(404);
    });

    it('a user sees (never the pass) and deletes their own pass in My Security Info (/me)', async () => {
      const user = await newUser(db);
      const t = (await server.api(path(user.id), { body: {} })).body;
      const mine = await server.token({ userPrincipalName: user.upn });
      const list = await server.api('/api/v1/me/authentication/temporaryAccessPassMethods', { token: mine });
      expect(list.status).toBe(200);
      expect(list.body.value).toEqual([expect.objectContaining({ id: t.id, temporaryAccessPass: null, isUsable: true })]);
      expect(
        (await server.api(`/api/v1/me/authentication/temporaryAccessPassMethods/${crypto.randomUUID()}`, { method: 'DELETE', token: mine }))
          .status,
      ).toBe(404);
      expect(
        (await server.api(`/api/v1/me/authentication/temporaryAccessPassMethods/${t.id}`, { method: 'DELETE', token: mine })).status,
      ).toBe(204);
      expect((await server.api(path(user.id))).body.value).toEqual([]);
      expect((await server.api('/api/v1/me/authentication/temporaryAccessPassMethods', { token: null })).status).toBe(401);
    });

    it('is described in /openapi.json', async () => {
      const spec = (await server.api('/openapi.json', { token: null })).body;
      const paths = Object.keys(spec.paths ?? {});
      expect(paths.some((p) => p.includes('temporaryAccessPassMethods'))).toBe(true);
    });
  });
}
