import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createAuthenticator } from '@latchkey/authenticator';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { AAGUID, beginSignIn, ctx, enableFido2, newUser, registerApp, registerPasskey } from './support.ts';
import { adminApiAudience } from '../../src/oidc/access-token.ts';
import { STRENGTH } from '../../src/signin/amr.ts';

const count = async (s: TestServer, table: 'signin_flows' | 'signin_lockouts' | 'passkey_challenges') =>
  Number((await s.runtime.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

for (const kind of STORE_KINDS) {
  describe(`sign-in endpoints with a software authenticator [${kind}]`, () => {
    let server: TestServer;
    let rp: Awaited<ReturnType<typeof registerApp>>;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
      rp = await registerApp(server);
    });
    afterAll(async () => server?.close());

    it('username-first passkey sign-in: an ID token with sub, amr and acr, skipping consent', async () => {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, rp, { resource: adminApiAudience(server.config.issuer) });
      expect((await b.post('start')).body).toMatchObject({ state: 'identify', methods: ['passkey'] });
      expect((await b.post('identify', { username: user.upn })).body).toMatchObject({ state: 'chooseMethod', methods: ['passkey', 'password'], username: user.upn });
      const o = await b.post('passkey/options');
      expect(o.body.state).toBe('verifyPasskey');
      expect(o.body.options.allowCredentials).toHaveLength(1);
      const response = auth.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: o.body.options.allowCredentials });
      const v = await b.post('passkey/verify', { response });
      expect(v.status).toBe(200);
      expect(v.body.state).toBe('complete');
      const tokens = await b.finish(v.body.redirectTo);
      const claims = tokens.claims()!;
      expect(claims.sub).toBe(user.id);
      expect(claims.acr).toBe(STRENGTH.phishingResistantMfa);
      expect(claims.amr).toEqual(['hwk', 'mfa', 'user']);
      expect(typeof claims.auth_time).toBe('number');
      // Asked for the admin API (`resource`), the access token carries the same sign-in facts (what /me reads).
      expect(decodeJwt(tokens.access_token)).toMatchObject({ oid: user.id, idtyp: 'user', amr: ['hwk', 'mfa', 'user'] });
    });

    it('usernameless (discoverable) sign-in identifies the user from the passkey', async () => {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, rp);
      await b.post('start');
      const o = await b.post('passkey/options');
      expect(o.body.state).toBe('identify');
      expect(o.body.options.allowCredentials ?? []).toEqual([]);
      const response = auth.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: [] });
      const v = await b.post('passkey/verify', { response });
      expect(v.body).toMatchObject({ state: 'complete', username: user.upn });
      expect((await b.finish(v.body.redirectTo)).claims()!.sub).toBe(user.id);
    });

    it('the same assertion posted twice in parallel: exactly one success', async () => {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, rp);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const o = await b.post('passkey/options');
      const response = auth.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: o.body.options.allowCredentials });
      const results = await Promise.all([b.post('passkey/verify', { response }), b.post('passkey/verify', { response })]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses[1]).toBeGreaterThanOrEqual(400);
      expect(statuses[1]).toBeLessThan(500);
      const refused = results.find((r) => r.status !== 200)!;
      expect(refused.body.error.code).toMatch(/^Request_/);
    });

    it('enumeration: an unknown name gets the same shape as a user without a passkey, stable fake credentials', async () => {
      const noPasskey = await newUser(server);
      const shapes = [];
      for (const name of [noPasskey.upn, 'nobody-here@latchkey.test', 'nobody-here@latchkey.test']) {
        const b = await beginSignIn(server, rp);
        await b.post('start');
        const i = await b.post('identify', { username: name });
        const o = await b.post('passkey/options');
        shapes.push({ identify: { status: i.status, keys: Object.keys(i.body).sort(), state: i.body.state, methods: i.body.methods }, options: { status: o.status, keys: Object.keys(o.body.options).sort(), allow: o.body.options.allowCredentials } });
        const p = await b.post('password', { password: 'Wrong-password-1' });
        expect(p.status).toBe(400);
        expect(p.body.error.details.reason).toBe('invalidCredentials');
      }
      expect(shapes[1]!.identify).toEqual(shapes[0]!.identify);
      expect(shapes[1]!.options.keys).toEqual(shapes[0]!.options.keys);
      expect(shapes[1]!.options.allow).toHaveLength(1);
      expect(shapes[0]!.options.allow).toHaveLength(1);
      expect(shapes[2]!.options.allow).toEqual(shapes[1]!.options.allow); // stable per name
      expect(shapes[1]!.options.allow).not.toEqual(shapes[0]!.options.allow);
    });

    it('smart lockout: the 11th attempt after 10 failures is locked, also for an unknown name, even with the right password', async () => {
      const user = await newUser(server);
      await setPassword(server.runtime.store.db, ctx, user.id, 'Right-password-1');
      for (const name of [user.upn, 'ghost@latchkey.test']) {
        const b = await beginSignIn(server, rp);
        await b.post('start');
        await b.post('identify', { username: name });
        for (let i = 0; i < 10; i++) expect((await b.post('password', { password: `Wrong-${i}-xyz` })).body.error.details.reason).toBe('invalidCredentials');
        const locked = await b.post('password', { password: 'Right-password-1' });
        expect(locked.status).toBe(429);
        expect(locked.body.error.details).toMatchObject({ reason: 'accountLocked' });
        expect(locked.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
      }
      // Each failed attempt is in the sign-in log, for the known and the unknown name (and not in the directory audit trail: ADR 0012).
      const rows = await server.runtime.store.db
        .selectFrom('signin_log')
        .select(['error_code'])
        .where('error_code', '!=', 0)
        .where((eb) => eb.or([eb('user_id', '=', user.id), eb('user_principal_name', '=', 'ghost@latchkey.test')]))
        .execute();
      expect((await server.runtime.store.db.selectFrom('audit_log').select('seq').where('category', '=', 'Authentication').execute()).length).toBe(0);
      expect(rows.length).toBeGreaterThanOrEqual(20);
    });

    it('bad input → 4xx with the error shape, no flow state written', async () => {
      const b = await beginSignIn(server, rp);
      await b.post('start');
      const before = await server.runtime.store.db.selectFrom('signin_flows').selectAll().where('interaction_uid', '=', b.uid).executeTakeFirstOrThrow();
      const bad = [
        await b.post('identify', { username: '' }),
        await b.post('identify', { username: 'x', extra: 1 }),
        await b.post('identify', '{not json'),
        await b.post('password', { password: 'x' }), // before a name: wrong step
        await b.post('passkey/verify', { response: { id: 'a', rawId: 'a', response: { clientDataJSON: '!!!' } } }),
      ];
      for (const r of bad) {
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }
      const after = await server.runtime.store.db.selectFrom('signin_flows').selectAll().where('interaction_uid', '=', b.uid).executeTakeFirstOrThrow();
      expect({ ...after, failures: 0, version: 0, updated_at: null, failure_reason: null }).toEqual({ ...before, failures: 0, version: 0, updated_at: null, failure_reason: null });
      // Without the interaction cookie nothing is answered.
      const res = await fetch(`${server.config.issuer}/signin/${b.uid}/api/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
      expect(await count(server, 'signin_flows')).toBeGreaterThan(0);
    });

    it('a passkey of another account is refused after username-first identification', async () => {
      const alice = await newUser(server);
      const bob = await newUser(server);
      const bobs = await registerPasskey(server, bob.id, createAuthenticator({ aaguid: AAGUID }));
      await registerPasskey(server, alice.id);
      const b = await beginSignIn(server, rp);
      await b.post('start');
      await b.post('identify', { username: alice.upn });
      const o = await b.post('passkey/options');
      // Bob's authenticator answers with his discoverable credential.
      const response = bobs.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: [] });
      const v = await b.post('passkey/verify', { response });
      expect(v.status).toBe(400);
      expect(v.body.error.details.reason).toBe('passkeyFailed');
    });
  });
}
