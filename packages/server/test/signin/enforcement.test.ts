import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { setPerUserMfaState } from '../../src/methods/oath/perUserMfa.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { AAGUID, beginSignIn, ctx, enableFido2, Jar, newUser, registerApp, registerPasskey } from './support.ts';
import { authorizeWithJar, caPolicy, STRENGTHS, logRowsOf, MFA, PASSWORD, PHISHING_RESISTANT, passwordHardwareOathStrength, userWithToken } from './enforcement-support.ts';

/**
 * Issue 4 item 4 and issue 5 ("password + hardware token satisfies a policy requiring
 * password,hardwareOath and the MFA built-in; it does not satisfy phishing-resistant"), through
 * the real sign-in endpoints, the real OIDC provider and a code computed by `otpauth`.
 */
for (const kind of STORE_KINDS) {
  describe(`sign-in enforcement [${kind}]`, () => {
    let server: TestServer;
    let rp: Awaited<ReturnType<typeof registerApp>>;
    beforeAll(async () => {
      server = await startTestServer(kind);
      rp = await registerApp(server);
    });
    afterAll(async () => server?.close());

    it('password alone gets the second-factor step; password + hardware token completes with the MFA acr and amr pwd+otp+mfa', async () => {
      const user = await userWithToken(server);
      const strength = await passwordHardwareOathStrength(server);
      const policyId = await caPolicy(server, { name: 'Shop floor: password + hardware token', userId: user.id, appId: rp.appId, strength });
      const b = await beginSignIn(server, rp);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.status).toBe(200);
      expect(p.body).toMatchObject({ state: 'chooseSecondFactor', methods: ['oath'] });
      expect(p.body.reason).toContain('Pwd + hw token');
      expect(p.body.reason).toContain('signing in with a password is not enough');
      expect(p.body.redirectTo).toBeUndefined();

      const wrong = await b.post('oath', { code: user.code(Date.now() - 10 * 60_000) });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details).toMatchObject({ reason: 'oathRefused', oathReason: 'OathCodeIncorrect' });
      // The wrong code counts towards smart lockout (the account's counter).
      const lock = await server.runtime.store.db.selectFrom('signin_lockouts').select('failures').where('account_key', '=', `user:${user.id}`).executeTakeFirst();
      expect(Number(lock?.failures)).toBe(1);

      const ok = await b.post('oath', { code: user.code() });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.redirectTo).toBeTruthy();
      const claims = (await b.finish(ok.body.redirectTo)).claims()!;
      expect(claims.sub).toBe(user.id);
      expect(claims.acr).toBe(strength); // the custom strength the app's only policy required (ADR 0010)
      expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);

      const rows = await logRowsOf(server, user.id);
      expect(rows.map((r) => Number(r.error_code))).toEqual([0, 500121, 50074]);
      const applied = (r: (typeof rows)[number]) => (typeof r.applied_policies === 'string' ? JSON.parse(r.applied_policies) : r.applied_policies);
      expect(applied(rows[0]!).find((a: { id: string }) => a.id === policyId)).toMatchObject({ result: 'success', enforcedGrantControls: ['RequireAuthenticationStrength'] });
      expect(applied(rows[2]!).find((a: { id: string }) => a.id === policyId)).toMatchObject({ result: 'failure' });
      expect(rows[0]!.authentication_requirement).toBe('multiFactorAuthentication');
    });

    it('password + hardware token does not satisfy phishing-resistant MFA: the user is told why, the attempt is logged', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      await caPolicy(server, { name: 'Phishing-resistant for admins', userId: user.id, appId: app.appId, strength: PHISHING_RESISTANT });
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.status).toBe(403);
      expect(p.body.error.details.reason).toBe('accessBlocked');
      expect(p.body.error.message).toContain('Phishing-resistant MFA');
      expect(p.body.error.message).toContain('does not satisfy it');
      // The flow is over: a code cannot complete it.
      expect((await b.post('oath', { code: user.code() })).status).toBe(400);
      const [row] = await logRowsOf(server, user.id);
      expect(Number(row!.error_code)).toBe(53003);
      expect(row!.failure_reason).toContain('Phishing-resistant MFA');
    });

    it('a block policy fails the sign-in with the reason, logged with the policy result failure and control Block', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      const id = await caPolicy(server, { name: 'Block contractors', userId: user.id, appId: app.appId, block: true });
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.status).toBe(403);
      expect(p.body.error.message).toContain('Block contractors');
      const [row] = await logRowsOf(server, user.id);
      expect(Number(row!.error_code)).toBe(53003);
      expect(row!.conditional_access_status).toBe('failure');
      const applied = typeof row!.applied_policies === 'string' ? JSON.parse(row!.applied_policies) : row!.applied_policies;
      expect(applied.find((a: { id: string }) => a.id === id)).toMatchObject({ result: 'failure', enforcedGrantControls: ['Block'] });
    });

    it('report-only: logged with reportOnlyFailure, not enforced', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      const id = await caPolicy(server, { name: 'Report-only block', userId: user.id, appId: app.appId, block: true, state: 'enabledForReportingButNotEnforced' });
      const mfaId = await caPolicy(server, { name: 'Report-only MFA', userId: user.id, appId: app.appId, mfa: true, state: 'enabledForReportingButNotEnforced' });
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.status).toBe(200);
      expect(p.body.redirectTo).toBeTruthy();
      const [row] = await logRowsOf(server, user.id);
      expect(Number(row!.error_code)).toBe(0);
      expect(row!.conditional_access_status).toBe('notApplied');
      const applied = typeof row!.applied_policies === 'string' ? JSON.parse(row!.applied_policies) : row!.applied_policies;
      expect(applied.find((a: { id: string }) => a.id === id)).toMatchObject({ result: 'reportOnlyFailure' });
      expect(applied.find((a: { id: string }) => a.id === mfaId)!.result).toMatch(/^reportOnly(Interrupted|Failure)$/);
    });

    it('per-user MFA enforced: a second factor is required with no Conditional Access policy', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      await setPerUserMfaState(server.runtime.store.db, ctx, user.id, 'enforced');
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.body).toMatchObject({ state: 'chooseSecondFactor', methods: ['oath'] });
      expect(p.body.reason).toContain('Multifactor authentication');
      const ok = await b.post('oath', { code: user.code() });
      expect(ok.status).toBe(200);
      expect((await b.finish(ok.body.redirectTo)).claims()!.acr).toBe(MFA);
    });

    it('per-user MFA enabled (§7.1): with a token the code is required; without any second method the password still works (registration pending), enforced without one is refused', async () => {
      const db = server.runtime.store.db;
      const app = await registerApp(server);
      const withToken = await userWithToken(server);
      await setPerUserMfaState(db, ctx, withToken.id, 'enabled');
      let b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: withToken.upn });
      expect((await b.post('password', { password: PASSWORD })).body).toMatchObject({ state: 'chooseSecondFactor', methods: ['oath'] });

      const bare = await newUser(server);
      await setPassword(db, ctx, bare.id, PASSWORD);
      await setPerUserMfaState(db, ctx, bare.id, 'enabled');
      b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: bare.upn });
      const pending = await b.post('password', { password: PASSWORD });
      expect(pending.status).toBe(200);
      expect(pending.body.redirectTo).toBeTruthy();

      await setPerUserMfaState(db, ctx, bare.id, 'enforced');
      b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: bare.upn });
      const refused = await b.post('password', { password: PASSWORD });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('Multifactor authentication');
    });

        it('"use another account" at the second factor forgets the verified password', async () => {
      const user = await userWithToken(server);
      await setPerUserMfaState(server.runtime.store.db, ctx, user.id, 'enforced');
      const b = await beginSignIn(server, await registerApp(server));
      await b.post('start');
      await b.post('identify', { username: user.upn });
      expect((await b.post('password', { password: PASSWORD })).body.state).toBe('chooseSecondFactor');
      const r = await b.post('restart');
      expect(r.body).toMatchObject({ state: 'identify' });
      const row = await server.runtime.store.db.selectFrom('signin_flows').select(['methods_performed', 'user_id']).where('interaction_uid', '=', b.uid).executeTakeFirstOrThrow();
      expect(typeof row.methods_performed === 'string' ? JSON.parse(row.methods_performed) : row.methods_performed).toEqual([]);
      expect(row.user_id).toBeNull();
    });

    it('a user without per-user MFA or a policy signs in with the password alone (acr 0)', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.status).toBe(200);
      const claims = (await b.finish(p.body.redirectTo)).claims()!;
      expect(claims.acr).toBe('0');
      expect(claims.amr).toEqual(['pwd']);
    });

    it('step-up within the session: an SSO session from a password passes silently where nothing more is needed, and gets the second factor where the app needs MFA', async () => {
      const user = await userWithToken(server);
      const [plain, other, strict] = [await registerApp(server), await registerApp(server), await registerApp(server)];
      await caPolicy(server, { name: 'MFA for payroll', userId: user.id, appId: strict.appId, strength: MFA });
      const jar = new Jar();
      /** Opens the app in this browser: a consent interaction is answered by the page (start); lands at the RP or on the sign-in page. */
      const visit = async (app: typeof plain) => {
        const a = await authorizeWithJar(server, app, jar);
        if (!a.uid) return { landed: a.landed };
        const s = await a.post('start');
        if (s.body.redirectTo) return { landed: await authorizeResume(server, jar, s.body.redirectTo) };
        return { page: a };
      };
      const first = await authorizeWithJar(server, plain, jar);
      expect(first.uid).toBeTruthy();
      await first.post('start');
      await first.post('identify', { username: user.upn });
      const p = await first.post('password', { password: PASSWORD });
      expect(p.body.redirectTo).toBeTruthy();
      // Finish the first sign-in in this browser (resume → consent → RP).
      let resumed = await authorizeResume(server, jar, p.body.redirectTo);
      expect(resumed.href.startsWith(plain.redirectUri)).toBe(true);

      // Another app without a policy: silent SSO (no sign-in page).
      const silent = await visit(other);
      expect(silent.landed?.href.startsWith(other.redirectUri)).toBe(true);

      // The MFA app: the session's password does not satisfy it, so the sign-in page asks for the missing code only
      // (the session's password is carried over, signin/session-step-up.ts).
      const { page: step } = await visit(strict);
      expect(step, 'the sign-in page').toBeDefined();
      const again = await step!.post('start');
      expect(again.body).toMatchObject({ state: 'chooseSecondFactor', methods: ['oath'], username: user.upn });
      const done = await step!.post('oath', { code: user.code() });
      expect(done.body.redirectTo).toBeTruthy();
      resumed = await authorizeResume(server, jar, done.body.redirectTo);
      expect(resumed.href.startsWith(strict.redirectUri)).toBe(true);
      // Now the session satisfies MFA: the MFA app passes silently.
      const later = await visit(strict);
      expect(later.landed?.href.startsWith(strict.redirectUri)).toBe(true);
    });

        it('a strength restricted to AAGUIDs (entra-spec §2.4): the passkey of a listed authenticator passes, another one is refused with the reason', async () => {
      await enableFido2(server);
      const user = await userWithToken(server);
      const auth = await registerPasskey(server, user.id);
      const strength = async (aaguid: string) => {
        const created = await server.api(STRENGTHS, { body: { displayName: `Keys ${aaguid.slice(0, 6)}`, allowedCombinations: ['fido2'] } });
        expect(created.status).toBe(201);
        const combo = await server.api(`${STRENGTHS}/${created.body.id}/combinationConfigurations`, {
          body: { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', allowedAAGUIDs: [aaguid], appliesToCombinations: ['fido2'] },
        });
        expect(combo.status, JSON.stringify(combo.body)).toBe(201);
        return created.body.id as string;
      };
      const signIn = async (app: Awaited<ReturnType<typeof registerApp>>) => {
        const b = await beginSignIn(server, app);
        await b.post('start');
        const o = await b.post('passkey/options');
        const response = auth.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: [] });
        return b.post('passkey/verify', { response });
      };
      const listed = await registerApp(server);
      await caPolicy(server, { name: 'Listed keys only', userId: user.id, appId: listed.appId, strength: await strength(AAGUID) });
      const ok = await signIn(listed);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.redirectTo).toBeTruthy();
      const other = await registerApp(server);
      await caPolicy(server, { name: 'Other keys only', userId: user.id, appId: other.appId, strength: await strength('00000000-1111-2222-3333-444444444444') });
      const refused = await signIn(other);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('Keys 000000');
    });

        it('rejected requests write nothing: a malformed code, and a code before the second-factor step', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const before = (await logRowsOf(server, user.id)).length;
      expect((await b.post('oath', { code: 'abc' })).status).toBe(400);
      expect((await b.post('oath', { code: '123456', extra: 1 })).status).toBe(400);
      expect((await logRowsOf(server, user.id)).length).toBe(before);
      const lock = await server.runtime.store.db.selectFrom('signin_lockouts').select('failures').where('account_key', '=', `user:${user.id}`).executeTakeFirst();
      expect(lock).toBeUndefined();
      // oath is not offered before a second factor is asked for.
      const early = await b.post('oath', { code: user.code() });
      expect(early.status).toBe(400);
      expect(early.body.error.details.reason).toBe('wrongStep');
    });
  });
}

/** Follows a sign-in's `redirectTo` in the browser `jar` (answering a consent interaction) until it leaves the issuer. */
async function authorizeResume(server: TestServer, jar: Jar, redirectTo: string): Promise<URL> {
  const base = new URL(server.config.issuer);
  let url = new URL(redirectTo, base);
  for (let hop = 0; hop < 12 && url.origin === base.origin; hop++) {
    if (url.pathname.startsWith('/signin/')) {
      const u = new URL(`${url.pathname}/api/start`, base);
      const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(u) }, body: '{}' });
      jar.store(res);
      url = new URL(((await res.json()) as { redirectTo: string }).redirectTo, base);
      continue;
    }
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(res);
    url = new URL(res.headers.get('location')!, url);
  }
  return url;
}
