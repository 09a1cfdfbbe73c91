import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';
import { ODATA_TYPE } from '../../src/policy/authentication-methods/types.ts';
import { ctx, enableFido2, Jar, registerApp, registerPasskey } from './support.ts';
import { caPolicy, logRowsOf, MFA, PASSWORD, PHISHING_RESISTANT, userWithToken } from './enforcement-support.ts';

type App = Awaited<ReturnType<typeof registerApp>>;

/**
 * An authorization request in the browser `jar` (which may hold an SSO session): `uid` is the
 * sign-in page's interaction, or null when the provider answered silently; `finish` follows a
 * `redirectTo` back to the app (answering a consent interaction) and redeems the code.
 */
async function authorize(server: TestServer, rp: App, jar: Jar, extra: Record<string, string> = {}) {
  const base = new URL(server.config.issuer);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const follow = async (start: URL) => {
    let url = start;
    for (let hop = 0; hop < 12 && url.origin === base.origin; hop++) {
      if (url.pathname.startsWith('/signin/')) return url;
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
      jar.store(res);
      if (!res.headers.get('location')) throw new Error(`no redirect from ${url} (${res.status}): ${(await res.text()).replace(/\s+/g, " ").slice(0, 1500)}`);
      url = new URL(res.headers.get('location')!, url);
    }
    return url;
  };
  const landed = await follow(oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid profile', state, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra }));
  const uid = /^\/signin\/([^/]+)$/.exec(landed.pathname)?.[1] ?? null;
  const post = async (path: string, body: unknown = {}, pageUid = uid) => {
    const u = new URL(`/signin/${pageUid}/api/${path}`, base);
    const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(u) }, body: JSON.stringify(body) });
    jar.store(res);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const finish = async (redirectTo: string) => {
    let next = await follow(new URL(redirectTo, base));
    for (let i = 0; i < 3 && next.origin === base.origin; i++) {
      const page = /^\/signin\/([^/]+)$/.exec(next.pathname)?.[1];
      const answered = page ? await post('start', {}, page) : undefined;
      if (!answered?.body?.redirectTo) throw new Error(`no way back to the app from ${next}: ${JSON.stringify(answered?.body)}`);
      next = await follow(new URL(answered.body.redirectTo, base));
    }
    return oidc.authorizationCodeGrant(rp.config, next, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  };
  return { uid, landed, post, finish };
}

/**
 * Issue 4 item 4: step-up inside an existing SSO session asks only for what is missing — the
 * session's verified methods are carried into the new flow (machine event `sessionCarried`), so a
 * password session gets the OATH code step and a TAP session the passkey, never the first factor
 * again. A fresh sign-in demanded by the app (`prompt=login`) is not carried, and "Use another
 * account" forgets the carried methods.
 */
for (const kind of STORE_KINDS) {
  describe(`step-up inside the SSO session [${kind}]`, () => {
    let server: TestServer;
    let plain: App;
    beforeAll(async () => {
      server = await startTestServer(kind);
      plain = await registerApp(server);
      await enableFido2(server);
      await updateMethodConfiguration(server.runtime.store.db, ctx, 'TemporaryAccessPass', { '@odata.type': ODATA_TYPE.TemporaryAccessPass, state: 'enabled', isUsableOnce: false });
    });
    afterAll(async () => server?.close());

    /** Signs in to the plain app with a password in a new browser; returns the browser's jar. */
    async function passwordSession(upn: string): Promise<Jar> {
      const jar = new Jar();
      const a = await authorize(server, plain, jar);
      await a.post('start');
      await a.post('identify', { username: upn });
      const done = await a.post('password', { password: PASSWORD });
      expect(done.body.redirectTo, JSON.stringify(done.body)).toBeTruthy();
      expect((await a.finish(done.body.redirectTo)).claims()!.amr).toEqual(['pwd']);
      return jar;
    }

    it('a password session meets an MFA app: only the OATH code is asked; the ID token carries pwd+otp and the MFA acr', async () => {
      const user = await userWithToken(server);
      const strict = await registerApp(server);
      await caPolicy(server, { name: 'Payroll needs MFA', userId: user.id, appId: strict.appId, strength: MFA });
      const jar = await passwordSession(user.upn);
      const step = await authorize(server, strict, jar);
      expect(step.uid, 'the sign-in page').toBeTruthy();
      const start = await step.post('start');
      expect(start.status).toBe(200);
      expect(start.body).toMatchObject({ state: 'chooseSecondFactor', methods: ['oath'], username: user.upn });
      expect(start.body.reason).toContain('Multifactor authentication');
      // The first factor is not asked again: a password now is out of step.
      expect((await step.post('password', { password: PASSWORD })).body.error.details.reason).toBe('wrongStep');
      const done = await step.post('oath', { code: user.code() });
      expect(done.body.redirectTo, JSON.stringify(done.body)).toBeTruthy();
      const claims = (await step.finish(done.body.redirectTo)).claims()!;
      expect(claims.sub).toBe(user.id);
      expect(claims.acr).toBe(MFA);
      expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
      // The sign-in log: the carried flow was interrupted (50074) for the code, then succeeded, under the user's name.
      const rows = (await logRowsOf(server, user.id)).filter((r) => r.app_id === strict.appId);
      expect(rows.map((r) => [r.error_code, r.user_principal_name])).toEqual([
        [0, user.upn],
        [50074, user.upn],
      ]);
      // Now the session satisfies MFA: the app passes silently.
      expect((await authorize(server, strict, jar)).uid).toBeNull();
    });

    it('a TAP session meets a phishing-resistant app: only the passkey is asked; the ID token says phishing-resistant', async () => {
      const user = await userWithToken(server);
      const auth = await registerPasskey(server, user.id);
      const pass = (await server.api(`/api/v1/users/${user.id}/authentication/temporaryAccessPassMethods`, { body: { isUsableOnce: false } })).body.temporaryAccessPass as string;
      const jar = new Jar();
      const first = await authorize(server, plain, jar);
      await first.post('start');
      await first.post('identify', { username: user.upn });
      const tapped = await first.post('tap', { pass });
      expect(tapped.body.redirectTo, JSON.stringify(tapped.body)).toBeTruthy();
      await first.finish(tapped.body.redirectTo);

      const strict = await registerApp(server);
      await caPolicy(server, { name: 'Admin portal phishing-resistant', userId: user.id, appId: strict.appId, strength: PHISHING_RESISTANT });
      const step = await authorize(server, strict, jar);
      const start = await step.post('start');
      expect(start.body).toMatchObject({ state: 'chooseSecondFactor', methods: ['passkey'], username: user.upn });
      expect(start.body.reason).toContain('Phishing');
      const o = await step.post('passkey/options');
      const response = auth.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: o.body.options.allowCredentials ?? [] });
      const done = await step.post('passkey/verify', { response });
      expect(done.body.redirectTo, JSON.stringify(done.body)).toBeTruthy();
      const claims = (await step.finish(done.body.redirectTo)).claims()!;
      expect(claims.sub).toBe(user.id);
      expect(claims.acr).toBe(PHISHING_RESISTANT);
      expect(claims.amr).toContain('mfa');
    });

    it('a TAP deleted since the session began is not carried: the step-up is a fresh sign-in', async () => {
      const user = await userWithToken(server);
      await registerPasskey(server, user.id);
      const tap = (await server.api(`/api/v1/users/${user.id}/authentication/temporaryAccessPassMethods`, { body: { isUsableOnce: false } })).body as { id: string; temporaryAccessPass: string };
      const jar = new Jar();
      const first = await authorize(server, plain, jar);
      await first.post('start');
      await first.post('identify', { username: user.upn });
      const tapped = await first.post('tap', { pass: tap.temporaryAccessPass });
      expect(tapped.body.redirectTo, JSON.stringify(tapped.body)).toBeTruthy();
      await first.finish(tapped.body.redirectTo);
      expect((await server.api(`/api/v1/users/${user.id}/authentication/temporaryAccessPassMethods/${tap.id}`, { method: 'DELETE' })).status).toBe(204);

      const strict = await registerApp(server);
      await caPolicy(server, { name: 'Vault phishing-resistant', userId: user.id, appId: strict.appId, strength: PHISHING_RESISTANT });
      const step = await authorize(server, strict, jar);
      expect(step.uid, 'the sign-in page').toBeTruthy();
      expect((await step.post('start')).body).toMatchObject({ state: 'identify', username: null });
    });

    it('a session meeting an app that blocks the user: the first answer is the refusal in plain words, nothing to type', async () => {
      const user = await userWithToken(server);
      const kiosk = await registerApp(server);
      await caPolicy(server, { name: 'No kiosk for contractors', userId: user.id, appId: kiosk.appId, block: true });
      const jar = await passwordSession(user.upn);
      const step = await authorize(server, kiosk, jar);
      expect(step.uid, 'the sign-in page').toBeTruthy();
      const start = await step.post('start');
      expect(start.status).toBe(403);
      expect(start.body.error.details.reason).toBe('accessBlocked');
      expect(start.body.error.message).toContain('No kiosk for contractors');
      const rows = (await logRowsOf(server, user.id)).filter((r) => r.app_id === kiosk.appId);
      expect(rows.map((r) => [r.error_code, r.user_principal_name])).toEqual([[53003, user.upn]]);
    });

    it('prompt=login is a fresh sign-in (nothing carried); "Use another account" forgets the carried methods for good', async () => {
      const user = await userWithToken(server);
      const strict = await registerApp(server);
      await caPolicy(server, { name: 'Reports need MFA', userId: user.id, appId: strict.appId, strength: MFA });
      const jar = await passwordSession(user.upn);
      const fresh = await authorize(server, strict, jar, { prompt: 'login' });
      expect((await fresh.post('start')).body).toMatchObject({ state: 'identify', username: null });

      const step = await authorize(server, strict, jar);
      expect((await step.post('start')).body.state).toBe('chooseSecondFactor');
      expect((await step.post('restart')).body).toMatchObject({ state: 'identify', username: null });
      expect((await step.post('start')).body).toMatchObject({ state: 'identify', username: null });
      // The other account signs in with its own first factor.
      const other = await userWithToken(server);
      await step.post('identify', { username: other.upn });
      const p = await step.post('password', { password: PASSWORD });
      expect(p.body.redirectTo, JSON.stringify(p.body)).toBeTruthy();
      // (Resuming would now switch the browser's session to the other account: oidc-provider's logout confirmation.)
      const flow = await server.runtime.store.db.selectFrom('signin_flows').select(['user_id', 'methods_performed']).where('interaction_uid', '=', step.uid!).executeTakeFirstOrThrow();
      expect(flow.user_id).toBe(other.id);
      const methods = typeof flow.methods_performed === 'string' ? JSON.parse(flow.methods_performed) : flow.methods_performed;
      expect(methods.map((m: { method: string }) => m.method)).toEqual(['password']);
    });
  });
}
