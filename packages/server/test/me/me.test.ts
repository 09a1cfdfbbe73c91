import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createAuthenticator, type SoftAuthenticator } from '@latchkey/authenticator';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { AAGUID, beginSignIn, ctx, enableFido2, newUser } from '../signin/support.ts';

for (const kind of STORE_KINDS) {
  describe(`My Security Info API (/api/v1/me) with OIDC user tokens [${kind}]`, () => {
    let server: TestServer;
    let my: { config: oidc.Configuration; redirectUri: string; appId: string };
    let user: { id: string; upn: string };
    let auth: SoftAuthenticator;
    const passkeyCount = async () => Number((await server.runtime.store.db.selectFrom('passkey_credentials').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow()).n);

    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
      const config = await oidc.discovery(new URL(server.config.issuer), 'latchkey-my', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      my = { config, redirectUri: `${server.config.publicUrl.origin}/my/callback`, appId: 'latchkey-my' };
      user = await newUser(server);
      await setPassword(server.runtime.store.db, ctx, user.id, 'Right-password-1');
      auth = createAuthenticator({ aaguid: AAGUID });
    });
    afterAll(async () => server?.close());

    async function signInWithPassword(): Promise<string> {
      const b = await beginSignIn(server, my);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: 'Right-password-1' });
      expect(p.body.state).toBe('complete');
      return (await b.finish(p.body.redirectTo)).access_token;
    }
    async function signInWithPasskey(): Promise<string> {
      const b = await beginSignIn(server, my);
      await b.post('start');
      const v = await b.usernamelessPasskey(auth);
      expect(v.body.state).toBe('complete');
      return (await b.finish(v.body.redirectTo)).access_token;
    }
    async function addPasskey(token: string) {
      const o = await server.api('/api/v1/me/authentication/fido2Methods/creationOptions', { token });
      if (o.status !== 200) return o;
      const pk = o.body.publicKey;
      const credential = auth.makeCredential({ rpId: pk.rp.id, origin: server.config.publicUrl.origin, challenge: pk.challenge, user: pk.user, residentKey: true });
      return server.api('/api/v1/me/authentication/fido2Methods', { token, body: { displayName: 'My key', publicKeyCredential: credential } });
    }

    it('a user without a passkey adds one right after a password sign-in (first factor is enough, §7.6)', async () => {
      const token = await signInWithPassword();
      const before = await server.api('/api/v1/me/authentication/methods', { token });
      expect(before.status).toBe(200);
      expect(before.body.value.map((m: { '@odata.type': string }) => m['@odata.type'])).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
      const created = await addPasskey(token);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', displayName: 'My key', aaGuid: AAGUID });
      expect(JSON.stringify(created.body)).not.toMatch(/publicKey|credentialId/);
      expect(await passkeyCount()).toBe(1);
    });

    it('with a passkey registered, a password sign-in may not add or delete: 403 strongerSignInRequired', async () => {
      const token = await signInWithPassword();
      const r = await addPasskey(token);
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'Authorization_RequestDenied', details: { reason: 'strongerSignInRequired' } });
      const id = (await server.api('/api/v1/me/authentication/methods', { token })).body.value.find((m: { '@odata.type': string }) => m['@odata.type'].includes('fido2')).id;
      expect((await server.api(`/api/v1/me/authentication/fido2Methods/${id}`, { method: 'DELETE', token })).status).toBe(403);
      expect(await passkeyCount()).toBe(1);
    });

    it('a token without a recent sign-in (an admin CLI token) gets 403 signInTooOld', async () => {
      const r = await server.api('/api/v1/me/authentication/fido2Methods/creationOptions', { token: await server.token() });
      expect(r.status).toBe(403);
      expect(r.body.error.details.reason).toBe('signInTooOld');
    });

    it('after a passkey sign-in: rename, bad input refused with nothing written, delete', async () => {
      const token = await signInWithPasskey();
      const id = (await server.api('/api/v1/me/authentication/methods', { token })).body.value.find((m: { '@odata.type': string }) => m['@odata.type'].includes('fido2')).id;
      const renamed = await server.api(`/api/v1/me/authentication/fido2Methods/${id}`, { method: 'PATCH', token, body: { displayName: 'Laptop' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.displayName).toBe('Laptop');
      for (const body of [{}, { publicKeyCredential: 'x' }, { publicKeyCredential: { id: 'a', rawId: 'a', response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' } } }, { displayName: 'x', publicKeyCredential: {}, extra: true }]) {
        const r = await server.api('/api/v1/me/authentication/fido2Methods', { token, body });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.body.error.code).toBeTruthy();
      }
      expect(await passkeyCount()).toBe(1);
      expect((await server.api(`/api/v1/me/authentication/fido2Methods/${id}`, { method: 'DELETE', token })).status).toBe(204);
      expect(await passkeyCount()).toBe(0);
    });

    it('refuses requests without a user token', async () => {
      expect((await server.api('/api/v1/me/authentication/methods', { token: null })).status).toBe(401);
      expect((await server.api('/api/v1/me/authentication/methods', { token: 'not.a.token' })).status).toBe(401);
    });
  });
}
