import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rowCounts } from '../support/counts.ts';
import { beginSignIn, enableFido2, Jar, newUser, passkeySignIn as signInWithPasskey, registerApp, silentSignIn, type AuthorizationVia } from '../signin/support.ts';
import { authorizeWithJar, caPolicy, CA, PASSWORD, PHISHING_RESISTANT, userWithToken } from '../signin/enforcement-support.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { ctx } from '../signin/support.ts';
import { ROLE } from '../../src/directory/roles.ts';
import { issueTemporaryAccessPass } from '../../src/methods/tap/issue.ts';
import { setTapPolicy } from '../tap/support.ts';
import { findOp } from '../../src/cli/ops.ts';
import { runCli } from '../support/cli.ts';
import { pruneRefreshSignIns, recordRefreshSignIn } from '../../src/oidc/refresh-repository.ts';

type Rp = { appId: string; config: oidc.Configuration; redirectUri: string };
const OFFLINE = { scope: 'openid profile offline_access', prompt: 'consent' };

/**
 * Refresh tokens for registered applications with Conditional Access evaluated again at every
 * refresh, and revokeSignInSessions (ADR 0017), with openid-client as the relying party.
 */
for (const kind of STORE_KINDS) {
  describe(`refresh tokens of registered apps, checked again at every refresh [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    async function publicApp(platform: 'spa' | 'publicClient', redirectUri: string): Promise<Rp> {
      const app = await server.api('/api/v1/applications', {
        body: { displayName: `Public ${crypto.randomUUID().slice(0, 6)}`, [platform]: { redirectUris: [redirectUri] } },
      });
      expect(app.status, JSON.stringify(app.body)).toBe(201);
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: app.body.appId } })).status).toBe(201);
      const config = await oidc.discovery(new URL(server.config.issuer), app.body.appId, undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      return { appId: app.body.appId, config, redirectUri };
    }

    /** Password (and the OATH code when Conditional Access asks for it) → tokens. */
    async function passwordSignIn(rp: Rp, user: { upn: string; code?: () => string }, extra: Record<string, string> = OFFLINE, via: AuthorizationVia = 'get') {
      const b = await beginSignIn(server, rp, extra, via);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      let done = await b.post('password', { password: PASSWORD });
      if (done.body.state === 'chooseSecondFactor') done = await b.post('oath', { code: user.code!() });
      expect(done.body.redirectTo, JSON.stringify(done.body)).toBeTruthy();
      return { tokens: await b.finish(done.body.redirectTo), jar: b.jar };
    }

    const passkeySignIn = (rp: Rp, extra: Record<string, string> = OFFLINE) => signInWithPasskey(server, rp, extra);

    const refused = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ error: 'invalid_grant' });
    const refusal = async (p: Promise<unknown>) =>
      ((await p.then(
        () => undefined,
        (e: unknown) => e,
      )) as { error?: string; error_description?: string } | undefined) ?? {};

    async function passwordUser() {
      const user = await newUser(server);
      await setPassword(server.runtime.store.db, ctx, user.id, PASSWORD);
      return user;
    }

    it('a confidential web app gets a refresh token with offline_access (none without it) and refreshes without rotation', async () => {
      const rp = await registerApp(server, 'https://conf.example/cb');
      const user = await passwordUser();
      expect((await passwordSignIn(rp, user, { scope: 'openid profile' })).tokens.refresh_token).toBeUndefined();
      const { tokens } = await passwordSignIn(rp, user);
      expect(tokens.refresh_token).toBeTruthy();
      const first = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
      expect(first.access_token).toBeTruthy();
      expect(first.claims()).toMatchObject({ sub: user.id, aud: rp.appId });
      // Bound to the client's secret: not rotated, the same token refreshes again (ADR 0017).
      const second = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
      expect(second.access_token).toBeTruthy();
    });

    it('an app written for Entra (offline_access and no prompt, as MSAL asks) gets a refresh token too, with no screen in between', async () => {
      const user = await passwordUser();
      for (const rp of [await registerApp(server, 'https://msal-web.example/cb'), await publicApp('spa', 'https://msal-spa.example/cb')]) {
        const { tokens } = await passwordSignIn(rp, user, { scope: 'openid profile offline_access' });
        expect(tokens.refresh_token, rp.redirectUri).toBeTruthy();
        expect((await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).access_token).toBeTruthy();
      }
      // prompt=login (sign in again) gets one as well: the prompt becomes "login consent".
      const rp = await registerApp(server, 'https://msal-login.example/cb');
      expect((await passwordSignIn(rp, user, { scope: 'openid profile offline_access', prompt: 'login' })).tokens.refresh_token).toBeTruthy();
    });

    it('an app that pushes its request (PAR, RFC 9126) gets the same: a refresh token for offline_access without a prompt', async () => {
      const user = await passwordUser();
      const web = await registerApp(server, 'https://par-web.example/cb');
      // The endpoint discovery names answers (oidc-provider's default path lies outside /oidc/).
      expect(web.config.serverMetadata().pushed_authorization_request_endpoint).toBe(`${server.config.issuer}/oidc/par`);
      for (const rp of [web, await publicApp('spa', 'https://par-spa.example/cb')]) {
        const { tokens } = await passwordSignIn(rp, user, { scope: 'openid profile offline_access' }, 'par');
        expect(tokens.refresh_token, rp.redirectUri).toBeTruthy();
        expect(tokens.claims()).toMatchObject({ sub: user.id, aud: rp.appId });
        expect((await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).access_token).toBeTruthy();
      }
      // Without offline_access, a pushed request gets no refresh token: nothing is added that was not asked for.
      expect((await passwordSignIn(web, user, { scope: 'openid profile' }, 'par')).tokens.refresh_token).toBeUndefined();
    });

    it('a pushed request is refused as the provider refuses it: an oversized form (413), a client that does not authenticate (401); nothing is stored', async () => {
      const rp = await registerApp(server, 'https://par-bad.example/cb');
      const endpoint = rp.config.serverMetadata().pushed_authorization_request_endpoint!;
      const before = await rowCounts(server.runtime.store.db, { payloads: 'oidc_payloads' });
      const push = (body: string) => fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const form = { client_id: rp.appId, response_type: 'code', redirect_uri: rp.redirectUri, scope: 'openid offline_access', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' };
      const big = await push(new URLSearchParams({ ...form, state: 's'.repeat(60 * 1024) }).toString());
      expect(big.status).toBe(413);
      const anonymous = await push(new URLSearchParams(form).toString());
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: 'invalid_client' });
      expect(await rowCounts(server.runtime.store.db, { payloads: 'oidc_payloads' })).toEqual(before);
    });

    it("a silent renewal (prompt=none with offline_access, MSAL's hidden iframe) gets a refresh token inside the session, and login_required with no screen outside it", async () => {
      const user = await passwordUser();
      for (const rp of [await publicApp('spa', 'https://msal-silent.example/cb'), await registerApp(server, 'https://msal-silent-web.example/cb')]) {
        const { jar } = await passwordSignIn(rp, user, { scope: 'openid profile' });
        // Inside the SSO session: the silent interaction route answers the consent prompt with a
        // redirect (no page on the way, as an iframe needs); a code with offline_access.
        const inside = await silentSignIn(server, rp, jar, 'openid profile offline_access');
        expect(inside.landed.searchParams.get('error'), inside.landed.href).toBeNull();
        expect(inside.hops.some((h) => /^\/signin\/[^/]+\/silent$/.test(h.path)), JSON.stringify(inside.hops)).toBe(true);
        expect(inside.hops.every((h) => h.status >= 300 && h.status < 400), JSON.stringify(inside.hops)).toBe(true);
        const tokens = await inside.redeem();
        expect(tokens.refresh_token, rp.redirectUri).toBeTruthy();
        expect(tokens.claims()).toMatchObject({ sub: user.id, aud: rp.appId });
        expect((await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).access_token).toBeTruthy();
        // Without offline_access a silent request is the provider's own: a code at once, no page, no refresh token.
        const plain = await silentSignIn(server, rp, jar, 'openid profile');
        expect(plain.hops.some((h) => h.path.startsWith('/signin/'))).toBe(false);
        expect((await plain.redeem()).refresh_token).toBeUndefined();
      }

      // Outside a session (another browser): login_required at the app, with its state; the page started no flow.
      const rp = await registerApp(server, 'https://msal-silent-none.example/cb');
      const db = server.runtime.store.db;
      const before = await rowCounts(db, { flows: 'signin_flows', log: 'signin_log' });
      const outside = await silentSignIn(server, rp, new Jar(), 'openid profile offline_access');
      expect(outside.hops.every((h) => h.status >= 300 && h.status < 400), JSON.stringify(outside.hops)).toBe(true);
      expect(outside.landed.href.startsWith(rp.redirectUri)).toBe(true);
      expect(outside.landed.searchParams.get('error')).toBe('login_required');
      expect(outside.landed.searchParams.get('state')).toBe(outside.state);
      expect(await rowCounts(db, { flows: 'signin_flows', log: 'signin_log' })).toEqual(before);

      // A revoked session: login_required as well, where prompt=none without offline_access already said so.
      const { jar } = await passwordSignIn(rp, user, { scope: 'openid profile' });
      expect((await silentSignIn(server, rp, jar, 'openid profile offline_access')).landed.searchParams.get('error')).toBeNull();
      expect((await server.api(`/api/v1/users/${user.id}/revokeSignInSessions`, { method: 'POST', body: {} })).status).toBe(200);
      for (const scope of ['openid profile offline_access', 'openid profile'])
        expect((await silentSignIn(server, rp, jar, scope)).landed.searchParams.get('error'), scope).toBe('login_required');

      // The silent route answers silent interactions only: an ordinary one opened there gets a 400 and stays as it was.
      const b = await beginSignIn(server, rp, { scope: 'openid profile' });
      const u = new URL(`/signin/${b.uid}/silent`, server.config.issuer);
      const res = await fetch(u, { redirect: 'manual', headers: { cookie: b.jar.header(new URL(`/signin/${b.uid}`, server.config.issuer)) } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
      expect((await b.post('start')).body.state).toBe('identify');
    });

    it('a public client (SPA) and a native app get rotated refresh tokens; a used one is refused and revokes the grant', async () => {
      const user = await passwordUser();
      for (const rp of [await publicApp('spa', 'https://spa-refresh.example/cb'), await publicApp('publicClient', 'http://127.0.0.1/cb')]) {
        const { tokens } = await passwordSignIn(rp, user);
        expect(tokens.refresh_token).toBeTruthy();
        const next = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
        expect(next.refresh_token).toBeTruthy();
        expect(next.refresh_token).not.toBe(tokens.refresh_token);
        expect((await refusal(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!))).error).toBe('invalid_grant');
        // RFC 9700 §4.14.2: the replay revoked the whole grant, so the new token is gone too.
        await refused(oidc.refreshTokenGrant(rp.config, next.refresh_token!));
      }
    });

    it('a policy requiring phishing-resistant MFA refuses a password + OATH session (invalid_grant, why, logged, token revoked) and keeps a passkey session', async () => {
      const rp = await registerApp(server, 'https://ca-refresh.example/cb');
      const pw = await userWithToken(server);
      await caPolicy(server, { name: `MFA ${pw.upn}`, userId: pw.id, appId: rp.appId, mfa: true });
      const pwSession = await passwordSignIn(rp, pw);
      const keySession = await passkeySignIn(rp);
      expect(pwSession.tokens.claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
      // Both refresh while nothing has changed.
      await oidc.refreshTokenGrant(rp.config, pwSession.tokens.refresh_token!);

      const phishing = await server.api(CA, {
        body: {
          displayName: `Phishing-resistant ${rp.appId.slice(0, 8)}`,
          state: 'enabled',
          conditions: {
            clientAppTypes: ['all'],
            users: { includeUsers: [pw.id, keySession.user.id] },
            applications: { includeApplications: [rp.appId] },
          },
          grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING_RESISTANT } },
        },
      });
      expect(phishing.status, JSON.stringify(phishing.body)).toBe(201);

      const e = await refusal(oidc.refreshTokenGrant(rp.config, pwSession.tokens.refresh_token!));
      expect(e.error).toBe('invalid_grant');
      expect(e.error_description).toBe(
        'Conditional Access now requires Phishing-resistant MFA for this app; the session signed in with a password and a verification code. Sign in again.',
      );
      const ok = await oidc.refreshTokenGrant(rp.config, keySession.tokens.refresh_token!);
      expect(ok.access_token).toBeTruthy();

      // The refusal is a non-interactive sign-in in the log, with the policy's result.
      const log = await server.api(`/api/v1/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${pw.id}'`)}`);
      expect(log.status).toBe(200);
      const entry = log.body.value[0];
      expect(entry).toMatchObject({
        appId: rp.appId,
        isInteractive: false,
        status: { errorCode: 50076 },
        conditionalAccessStatus: 'failure',
      });
      expect(entry.status.failureReason).toContain('Phishing-resistant MFA');
      expect(entry.appliedConditionalAccessPolicies.find((p: { id: string }) => p.id === phishing.body.id)).toMatchObject({
        result: 'failure',
      });
      expect(
        log.body.value.some((r: { isInteractive: boolean; status: { errorCode: number } }) => r.isInteractive && r.status.errorCode === 0),
      ).toBe(true);

      // The refused token was revoked: removing the policy does not bring it back.
      expect((await server.api(`/api/v1/identity/conditionalAccess/policies/${phishing.body.id}`, { method: 'DELETE' })).status).toBe(204);
      await refused(oidc.refreshTokenGrant(rp.config, pwSession.tokens.refresh_token!));
    });

    it("device platform at refresh: a browser's User-Agent names it; a web app's server names none, so the platform stays the sign-in's to check", async () => {
      const web = await registerApp(server, 'https://platform-web.example/cb');
      const spa = await publicApp('spa', 'https://platform-spa.example/cb');
      const user = await passwordUser();
      const webTokens = (await passwordSignIn(web, user)).tokens;
      const spaTokens = (await passwordSignIn(spa, user)).tokens;
      const block = await server.api(CA, {
        body: {
          displayName: `Windows only ${user.id.slice(0, 8)}`,
          state: 'enabled',
          conditions: {
            clientAppTypes: ['all'],
            users: { includeUsers: [user.id] },
            applications: { includeApplications: [web.appId, spa.appId] },
            platforms: { includePlatforms: ['all'], excludePlatforms: ['windows'] },
          },
          grantControls: { operator: 'OR', builtInControls: ['block'] },
        },
      });
      expect(block.status, JSON.stringify(block.body)).toBe(201);
      // The SPA's browser on Android: the block applies.
      const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';
      const res = await fetch(new URL('/oidc/token', server.config.issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': android },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: spaTokens.refresh_token!, client_id: spa.appId }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: 'invalid_grant',
        error_description: expect.stringContaining('Conditional Access now blocks access to this app'),
      });
      // The web app's server (no platform in its User-Agent) keeps refreshing.
      expect((await oidc.refreshTokenGrant(web.config, webTokens.refresh_token!)).access_token).toBeTruthy();
    });

    it("a TAP bounds a registered app's refresh token too: once the pass ends, the refresh is refused (docs/tap.md)", async () => {
      const db = server.runtime.store.db;
      const rp = await registerApp(server, 'https://tap-refresh.example/cb');
      await setTapPolicy(db);
      const user = await newUser(server);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, {});
      const b = await beginSignIn(server, rp, OFFLINE);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const v = await b.post('tap', { pass: tap.temporaryAccessPass });
      expect(v.body.state, JSON.stringify(v.body)).toBe('complete');
      const tokens = await b.finish(v.body.redirectTo);
      const again = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
      expect(again.access_token).toBeTruthy();
      expect(
        (await server.api(`/api/v1/users/${user.id}/authentication/temporaryAccessPassMethods/${tap.id}`, { method: 'DELETE' })).status,
      ).toBe(204);
      await refused(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!));
    });

    it('the recorded sign-ins of refresh tokens are pruned once no refresh token can be that old', async () => {
      const db = server.runtime.store.db;
      const user = await passwordUser();
      await recordRefreshSignIn(db, user.id, 1_000, [{ mode: 'password', at: new Date(1_000_000).toISOString() }]);
      const rows = () => db.selectFrom('refresh_sign_ins').select('auth_time').where('user_id', '=', user.id).execute();
      expect(await rows()).toHaveLength(1);
      expect(await pruneRefreshSignIns(db, new Date(Date.now() + 14 * 86_400_000))).toBe(0);
      expect(await pruneRefreshSignIns(db, new Date(Date.now() + 16 * 86_400_000))).toBeGreaterThanOrEqual(1);
      expect(await rows()).toHaveLength(0);
    });

    it('an app signing the person out revokes its refresh token (RFC 7009): the grant ends; another app cannot revoke it', async () => {
      const user = await passwordUser();
      const web = await registerApp(server, 'https://revoke-web.example/cb');
      expect(web.config.serverMetadata().revocation_endpoint).toBe(`${server.config.issuer}/oidc/revoke`);
      const { tokens } = await passwordSignIn(web, user);
      // Another confidential app is refused and nothing changes; a public app's attempt is answered 200 and changes nothing.
      const other = await registerApp(server, 'https://revoke-other.example/cb');
      expect(await refusal(oidc.tokenRevocation(other.config, tokens.refresh_token!))).toMatchObject({ error: 'invalid_request' });
      const spa = await publicApp('spa', 'https://revoke-spa.example/cb');
      await oidc.tokenRevocation(spa.config, tokens.refresh_token!);
      expect((await oidc.refreshTokenGrant(web.config, tokens.refresh_token!)).access_token).toBeTruthy();
      // The app's own revocation ends the grant: the refresh token is refused, and so is the access token it had at userinfo.
      await oidc.tokenRevocation(web.config, tokens.refresh_token!);
      await refused(oidc.refreshTokenGrant(web.config, tokens.refresh_token!));
      await expect(oidc.fetchUserInfo(web.config, tokens.access_token, user.id)).rejects.toThrow();
      // A public client revokes its own the same way (client_id, no secret).
      const own = await passwordSignIn(spa, user);
      await oidc.tokenRevocation(spa.config, own.tokens.refresh_token!);
      await refused(oidc.refreshTokenGrant(spa.config, own.tokens.refresh_token!));
    });

    it('a disabled user cannot refresh', async () => {
      const rp = await registerApp(server, 'https://disabled.example/cb');
      const user = await passwordUser();
      const { tokens } = await passwordSignIn(rp, user);
      expect((await server.api(`/api/v1/users/${user.id}`, { method: 'PATCH', body: { accountEnabled: false } })).status).toBe(204);
      const e = await refusal(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!));
      expect(e).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('disabled') });
    });

    it('revokeSignInSessions: refresh refused, the next authorization asks to sign in, audited, signInSessionsValidFromDateTime set', async () => {
      const rp = await registerApp(server, 'https://revoke.example/cb');
      const user = await passwordUser();
      const { tokens, jar } = await passwordSignIn(rp, user);
      expect((await authorizeWithJar(server, rp, jar)).uid).toBeNull(); // SSO: silent
      const r = await server.api(`/api/v1/users/${user.id}/revokeSignInSessions`, { method: 'POST', body: {} });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ value: true, '@odata.context': expect.stringContaining('$metadata#Edm.Boolean') });

      const e = await refusal(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!));
      expect(e).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('revoked') });
      expect((await authorizeWithJar(server, rp, jar)).uid).toBeTruthy(); // the sign-in page again
      // A silent request (prompt=none) is told to sign in.
      const silent = oidc.buildAuthorizationUrl(rp.config, {
        redirect_uri: rp.redirectUri,
        scope: 'openid',
        prompt: 'none',
        state: 's',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      });
      const res = await fetch(silent, { redirect: 'manual', headers: { cookie: jar.header(silent) } });
      expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('login_required');

      const got = await server.api(`/api/v1/users/${user.id}?$select=signInSessionsValidFromDateTime`);
      expect(Date.parse(got.body.signInSessionsValidFromDateTime)).toBeGreaterThan(Date.now() - 60_000);
      const audit = await server.runtime.store.db
        .selectFrom('audit_log')
        .select(['activity_display_name', 'target_resources'])
        .where('activity_display_name', '=', 'Invalidate all refresh tokens for user')
        .execute();
      expect(audit.some((a) => JSON.stringify(a.target_resources).includes(user.id))).toBe(true);
    });

    it('/me/revokeSignInSessions ("Sign out everywhere") revokes the caller\'s own sessions', async () => {
      const config = await oidc.discovery(new URL(server.config.issuer), 'latchkey-my', undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      const my = { appId: 'latchkey-my', config, redirectUri: `${server.config.publicUrl.origin}/my/callback` };
      const { tokens } = await passkeySignIn(my);
      const r = await server.api('/api/v1/me/revokeSignInSessions', { method: 'POST', body: {}, token: tokens.access_token });
      expect(r.status).toBe(200);
      expect(r.body.value).toBe(true);
      await refused(oidc.refreshTokenGrant(config, tokens.refresh_token!));
      // Latchkey's own API stops accepting the access token at once (continuous access evaluation),
      // not when it expires; a sign-in after the revocation gets a token that works.
      const old = await server.api('/api/v1/me/authentication/methods', { token: tokens.access_token });
      expect(old.status).toBe(401);
      expect(old.body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: expect.stringMatching(/sessions were revoked/) });
      await new Promise((resolve) => setTimeout(resolve, 1001 - (Date.now() % 1000))); // auth_time has whole seconds
      const again = await passkeySignIn(my);
      expect((await server.api('/api/v1/me/authentication/methods', { token: again.tokens.access_token })).status).toBe(200);
    });

    it('latchkey sessions revoke <user>: the same revocation as an operator (op registry; --help)', async () => {
      const rp = await registerApp(server, 'https://cli-revoke.example/cb');
      const user = await passwordUser();
      const { tokens } = await passwordSignIn(rp, user);
      const op = findOp('sessions.revoke')!;
      const r = (await op.run(server.runtime, { user: user.upn })) as { signInSessionsValidFromDateTime: string };
      expect(
        (await server.api(`/api/v1/users/${user.id}?$select=signInSessionsValidFromDateTime`)).body.signInSessionsValidFromDateTime,
      ).toBe(r.signInSessionsValidFromDateTime);
      await refused(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!));
      await expect(op.run(server.runtime, { user: 'nobody@latchkey.test' })).rejects.toMatchObject({ status: 404 });
      if (kind === 'pglite') {
        const help = await runCli(['sessions', 'revoke', '--help'], {});
        expect(help.code).toBe(0);
        expect(help.stdout).toContain("Revoke a user's refresh tokens and SSO sessions");
      }
    });

    it('bad input changes nothing: unknown user → 404, no permission → 403, a helpdesk admin cannot revoke a Global Administrator', async () => {
      const db = server.runtime.store.db;
      const target = await passwordUser();
      const admin = await newUser(server);
      expect(
        (
          await server.api('/api/v1/roleManagement/directory/roleAssignments', {
            body: { principalId: admin.id, roleDefinitionId: ROLE.globalAdministrator, directoryScopeId: '/' },
          })
        ).status,
      ).toBe(201);
      const before = await rowCounts(db, { audit: 'audit_log', users: 'users' });
      const unknown = await server.api(`/api/v1/users/${crypto.randomUUID()}/revokeSignInSessions`, { method: 'POST', body: {} });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('Request_ResourceNotFound');
      expect((await server.api('/api/v1/users/not-a-user/revokeSignInSessions', { method: 'POST', body: {} })).status).toBe(404);

      const reader = await server.token({ roles: [ROLE.globalReader], scopes: ['User.Read.All'] });
      const denied = await server.api(`/api/v1/users/${target.id}/revokeSignInSessions`, { method: 'POST', body: {}, token: reader });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('Authorization_RequestDenied');

      const helpdesk = await server.token({ roles: [ROLE.helpdeskAdministrator], scopes: ['User.RevokeSessions.All'] });
      expect(
        (await server.api(`/api/v1/users/${admin.id}/revokeSignInSessions`, { method: 'POST', body: {}, token: helpdesk })).status,
      ).toBe(403);
      const noToken = await server.api('/api/v1/me/revokeSignInSessions', { method: 'POST', body: {}, token: null });
      expect(noToken.status).toBe(401);

      expect(await rowCounts(db, { audit: 'audit_log', users: 'users' })).toEqual(before);
      for (const id of [target.id, admin.id])
        expect(
          (await server.api(`/api/v1/users/${id}?$select=signInSessionsValidFromDateTime`)).body.signInSessionsValidFromDateTime,
        ).toBeNull();
      // A helpdesk admin may revoke a user without admin roles.
      expect(
        (await server.api(`/api/v1/users/${target.id}/revokeSignInSessions`, { method: 'POST', body: {}, token: helpdesk })).status,
      ).toBe(200);
    });
  });
}
