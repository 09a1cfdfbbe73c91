import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '@latchkey/authenticator';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, registerApp } from '../signin/support.ts';
import { issueTemporaryAccessPass } from '../../src/methods/tap/issue.ts';
import { ctx, newUser, setTapPolicy } from './support.ts';

const CA = '/api/v1/identity/conditionalAccess/policies?confirmLockout=true';
const PHISHING_RESISTANT = '00000000-0000-0000-0000-000000000004';
const MFA = '00000000-0000-0000-0000-000000000002';

const policy = (displayName: string, users: Record<string, string[]>, applications: Record<string, string[]>, strength: string) => ({
  displayName,
  state: 'enabled',
  conditions: {
    clientAppTypes: ['all'],
    users: { includeUsers: [], ...users },
    applications: { includeApplications: [], ...applications },
  },
  grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: strength } },
});

for (const kind of STORE_KINDS) {
  describe(`registration interrupt under Conditional Access [${kind}]`, () => {
    let server: TestServer;
    let rp: Awaited<ReturnType<typeof registerApp>>;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
      await setTapPolicy(server.runtime.store.db);
      rp = await registerApp(server);
    });
    afterAll(async () => server?.close());

    it('a TAP user whose app needs phishing-resistant MFA must register a passkey; the registration action is governed by its own policy (§2.5)', async () => {
      const db = server.runtime.store.db;
      const user = await newUser(db);
      const all = await server.api(CA, {
        body: policy(
          'Phishing-resistant for the new admin',
          { includeUsers: [user.id] },
          { includeApplications: ['All'] },
          PHISHING_RESISTANT,
        ),
      });
      expect(all.status).toBe(201);
      const reg = await server.api(CA, {
        body: policy(
          'Bootstrap: register with a TAP',
          { includeUsers: [user.id] },
          { includeUserActions: ['urn:user:registersecurityinfo'] },
          MFA,
        ),
      });
      expect(reg.status).toBe(201);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, { isUsableOnce: false });
      const b = await beginSignIn(server, rp);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const v = await b.post('tap', { pass: tap.temporaryAccessPass });
      expect(v.status).toBe(200);
      expect(v.body).toMatchObject({ state: 'registrationRequired', registration: { kind: 'required', reason: 'conditionalAccess' } });
      const o = await b.post('register/options');
      expect(o.status).toBe(200);
      const opts = o.body.options;
      const auth = createAuthenticator({ aaguid: '6c1d9a3e-5b7f-4e21-8d90-a1b2c3d4e5f6' });
      const response = auth.makeCredential({
        rpId: opts.rp.id,
        origin: server.config.publicUrl.origin,
        challenge: opts.challenge,
        user: opts.user,
        residentKey: true,
      });
      const done = await b.post('register/verify', { response });
      expect(done.status).toBe(200);
      expect(await db.selectFrom('passkey_credentials').select('id').where('user_id', '=', user.id).execute()).toHaveLength(1);
      // Registering is not signing in with it: the app still needs phishing-resistant MFA, so the flow asks for the new passkey.
      expect(done.body.redirectTo).toBeUndefined();
      expect(done.body.state).toBe('chooseSecondFactor');
      expect(done.body.methods).toContain('passkey');
      const po = await b.post('passkey/options');
      expect(po.status).toBe(200);
      const assertion = auth.getAssertion({
        rpId: po.body.options.rpId,
        origin: server.config.publicUrl.origin,
        challenge: po.body.options.challenge,
        allowCredentials: po.body.options.allowCredentials,
      });
      const v2 = await b.post('passkey/verify', { response: assertion });
      expect(v2.status).toBe(200);
      expect(v2.body.state).toBe('complete');
      const tokens = await b.finish(v2.body.redirectTo);
      expect(tokens.claims()!.acr).toBe(PHISHING_RESISTANT);
    });

    it('when the registration action needs more than the sign-in gave, registering is refused with the reason', async () => {
      const db = server.runtime.store.db;
      const user = await newUser(db);
      expect(
        (
          await server.api(CA, {
            body: policy('Phishing-resistant', { includeUsers: [user.id] }, { includeApplications: [rp.appId] }, PHISHING_RESISTANT),
          })
        ).status,
      ).toBe(201);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, { isUsableOnce: false });
      const b = await beginSignIn(server, rp);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const v = await b.post('tap', { pass: tap.temporaryAccessPass });
      expect(v.body.state).toBe('registrationRequired');
      // The registration action's policy arrives while the page waits at "Set up now": "Set up now" is refused with the reason.
      // (Had it existed at the TAP sign-in, there would be no interrupt at all: test/signin/catch-22-signin.test.ts.)
      expect(
        (
          await server.api(CA, {
            body: policy(
              'Registration needs phishing-resistant too',
              { includeUsers: [user.id] },
              { includeUserActions: ['urn:user:registersecurityinfo'] },
              PHISHING_RESISTANT,
            ),
          })
        ).status,
      ).toBe(201);
      const o = await b.post('register/options');
      expect(o.status).toBe(403);
      expect(o.body.error.details).toMatchObject({ reason: 'registrationRefused', registrationReason: 'conditionalAccess' });
      expect(o.body.error.message).toContain('Registering security info needs a stronger sign-in');
    });
  });
}
