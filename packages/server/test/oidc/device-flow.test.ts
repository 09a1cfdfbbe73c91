import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rowCounts } from '../support/counts.ts';
import { beginSignIn, ctx, enableFido2, Jar, newUser, registerApp, registerPasskey } from '../signin/support.ts';
import { caPolicy, PASSWORD } from '../signin/enforcement-support.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { DEVICE_CODE_GRANT } from '../../src/oidc/clients.ts';
import { DEVICE_CODE_ENTRIES_PER_MINUTE } from '../../src/oidc/mount.ts';
import { codeProblem } from '../../src/oidc/device-pages.ts';
import { escapeHtml } from '../../src/oidc/pages.ts';
import type { SoftAuthenticator } from '@latchkey/authenticator';

/**
 * The device code flow (RFC 8628, ADR 0019) with openid-client as the device: the app asks for a
 * code, a person enters it on Latchkey's page in a browser (here: fetch with a cookie jar), confirms
 * the app, signs in on the ordinary sign-in page, and the device's poll gets the tokens.
 */
for (const kind of STORE_KINDS) {
  describe(`device code flow [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    /** A mobile and desktop app; `publicFlows` is Entra's "Allow public client flows" (isFallbackPublicClient). */
    async function desktopApp(publicFlows: boolean) {
      const app = await server.api('/api/v1/applications', {
        body: {
          displayName: `CLI ${crypto.randomUUID().slice(0, 6)}`,
          isFallbackPublicClient: publicFlows,
          publicClient: { redirectUris: ['http://localhost/cb'] },
        },
      });
      expect(app.status, JSON.stringify(app.body)).toBe(201);
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: app.body.appId } })).status).toBe(201);
      const config = await oidc.discovery(new URL(server.config.issuer), app.body.appId, undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      return { appId: app.body.appId as string, name: app.body.displayName as string, config };
    }

    /** The person's browser on the verification page: a cookie jar and a form poster. */
    function browser(jar = new Jar()) {
      const get = async (url: URL | string, init: RequestInit = {}) => {
        const u = new URL(url, server.config.issuer);
        const res = await fetch(u, {
          ...init,
          redirect: 'manual',
          headers: { ...(init.headers as Record<string, string>), cookie: jar.header(u) },
        });
        jar.store(res);
        return {
          status: res.status,
          location: res.headers.get('location'),
          text: await res.text(),
          csp: res.headers.get('content-security-policy'),
        };
      };
      const form = (html: string, id: string) => {
        const f = new RegExp(`<form id="${id.replace('.', '\\.')}"[^>]*action="([^"]+)"[^>]*>([\\s\\S]*?)</form>`).exec(html);
        if (!f) throw new Error(`no form ${id} in ${html.slice(0, 400)}`);
        const fields = Object.fromEntries(
          [...f[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
        );
        return { action: f[1]!, fields };
      };
      const post = (action: string, fields: Record<string, string>) =>
        get(action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        });
      return { jar, get, form, post };
    }

    async function passwordUser() {
      const user = await newUser(server);
      await setPassword(server.runtime.store.db, ctx, user.id, PASSWORD);
      return user;
    }

    /** Enter the code (or follow `verification_uri_complete`, whose page posts it by itself), confirm. */
    async function enterAndConfirm(verificationUri: string, userCode: string, jar?: Jar) {
      const b = browser(jar);
      const input = await b.get(verificationUri);
      expect(input.status).toBe(200);
      let confirm;
      if (verificationUri.includes('user_code=')) {
        // RFC 8628 §3.3.1: the code rides in the URI; the page submits it (a script allowed by its hash in the CSP).
        expect(input.csp).toMatch(/script-src 'self' 'sha256-/);
        const action = /<form method="post" action="([^"]+)"/.exec(input.text)![1]!;
        const fields = Object.fromEntries(
          [...input.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
        );
        expect(fields.user_code).toBe(userCode);
        confirm = await b.post(action, fields);
      } else {
        expect(input.text).toContain('Enter code');
        const entered = b.form(input.text, 'op.deviceInputForm');
        confirm = await b.post(entered.action, { ...entered.fields, user_code: userCode.toLowerCase().replace('-', ' ') }); // as typed
      }
      expect(confirm.status, confirm.text.slice(0, 300)).toBe(200);
      const confirmForm = b.form(confirm.text, 'op.deviceConfirmForm');
      return { b, confirm, confirmForm };
    }

    /** The sign-in page's API under a browser's jar. */
    const signInApi =
      (b: ReturnType<typeof browser>, path: string) =>
      async (step: string, body: unknown = {}) => {
        const u = new URL(`${path}/api/${step}`, server.config.issuer);
        const res = await fetch(u, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: b.jar.header(u) },
          body: JSON.stringify(body),
        });
        b.jar.store(res);
        return { status: res.status, body: (await res.json()) as any };
      };

    /** Follows redirects from `location` until a page answers (the success page). */
    /** Follows redirects from `location` until a sign-in page (its path) or an answer that is not a redirect. */
    async function follow(b: ReturnType<typeof browser>, location: string): Promise<{ url: URL; r?: Awaited<ReturnType<typeof b.get>> }> {
      let url = new URL(location, server.config.issuer);
      for (let i = 0; i < 8; i++) {
        if (url.pathname.startsWith('/signin/')) return { url };
        const r = await b.get(url);
        if (!r.location) return { url, r };
        url = new URL(r.location, url);
      }
      throw new Error(`too many redirects from ${location}`);
    }

    /** Follows redirects from `location` to the page that ends the flow (the success page). */
    async function followToPage(b: ReturnType<typeof browser>, location: string): Promise<Awaited<ReturnType<typeof b.get>>> {
      const { url, r } = await follow(b, location);
      if (r) return r;
      // The first sign-in to an app has a consent interaction, which the sign-in page answers by itself (start).
      const started = await signInApi(b, url.pathname)('start');
      expect(started.body.redirectTo, JSON.stringify(started.body)).toBeTruthy();
      return followToPage(b, started.body.redirectTo);
    }

    it('a desktop app allowed public client flows: code, confirm (the app named, the phishing warning), password sign-in, the device gets tokens', async () => {
      const app = await desktopApp(true);
      const user = await passwordUser();
      const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid profile offline_access' });
      expect(da.verification_uri).toBe(`${server.config.issuer}/oidc/device`);
      expect(da.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(da.expires_in).toBe(900);

      // Before anyone enters the code, the device hears authorization_pending; polling again at
      // once is told to slow down (RFC 8628 §3.5), as the announced interval said.
      const poll = async () => {
        const r = await fetch(new URL('/oidc/token', server.config.issuer), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: DEVICE_CODE_GRANT, device_code: da.device_code, client_id: app.appId }).toString(),
        });
        return [r.status, ((await r.json()) as { error: string }).error];
      };
      expect(await poll()).toEqual([400, 'authorization_pending']);
      expect(da.interval).toBe(5);
      expect(await poll()).toEqual([400, 'slow_down']);

      const { b, confirm, confirmForm } = await enterAndConfirm(da.verification_uri, da.user_code);
      expect(confirm.text).toContain(`Are you trying to sign in to ${escapeHtml(app.name)}?`);
      expect(confirm.text).toContain(da.user_code);
      expect(confirm.text).toContain('If someone sent you this code');
      const go = await b.post(confirmForm.action, confirmForm.fields);
      expect(go.status).toBeGreaterThanOrEqual(300);
      // The provider sends the browser to the ordinary sign-in page (an interaction of the app).
      const at = (await follow(b, go.location!)).url;
      expect(at.pathname).toMatch(/^\/signin\/[^/]+$/);
      const api = signInApi(b, at.pathname);
      expect((await api('start')).body.state).toBe('identify');
      await api('identify', { username: user.upn });
      const done = await api('password', { password: PASSWORD });
      expect(done.body.redirectTo, JSON.stringify(done.body)).toBeTruthy();
      const success = await followToPage(b, done.body.redirectTo);
      expect(success.status).toBe(200);
      expect(success.text).toContain("You're signed in");
      expect(success.text).toContain(escapeHtml(app.name));

      const tokens = await oidc.pollDeviceAuthorizationGrant(app.config, { ...da, interval: 0 });
      expect(tokens.claims()).toMatchObject({ sub: user.id, aud: app.appId, amr: ['pwd'] });
      expect(tokens.refresh_token).toBeTruthy();
      expect((await oidc.refreshTokenGrant(app.config, tokens.refresh_token!)).access_token).toBeTruthy();
      // The sign-in log marks the approval and the refresh (Graph beta `authenticationProtocol`,
      // `originalTransferMethod`), and code phishing investigations can filter on both.
      const logOf = async (filter: string) => {
        const r = await server.api(`/api/v1/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${user.id}' and ${filter}`)}`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return (r.body.value as Array<{ isInteractive: boolean; authenticationProtocol: string; originalTransferMethod: string; status: { errorCode: number } }>).map(
          (e) => [e.isInteractive, e.authenticationProtocol, e.originalTransferMethod, e.status.errorCode],
        );
      };
      expect(await logOf("originalTransferMethod eq 'deviceCodeFlow'")).toEqual([
        [false, 'none', 'deviceCodeFlow', 0], // the refresh, newest first
        [true, 'deviceCode', 'deviceCodeFlow', 0], // the sign-in that approved the code
      ]);
      expect(await logOf("authenticationProtocol eq 'deviceCode'")).toEqual([[true, 'deviceCode', 'deviceCodeFlow', 0]]);
      expect(await logOf("originalTransferMethod eq 'none'")).toEqual([]);
      // The code is spent: entering it again says so (a 400, no confirm step).
      const b2 = browser();
      const input = b2.form((await b2.get(da.verification_uri)).text, 'op.deviceInputForm');
      const again = await b2.post(input.action, { ...input.fields, user_code: da.user_code });
      expect(again.status).toBe(400);
      expect([codeProblem({ name: 'AlreadyUsedError' }), codeProblem({ name: 'NotFoundError' })].some((m) => again.text.includes(m!))).toBe(
        true,
      );
      expect(again.text).not.toContain('op.deviceConfirmForm');
    });

    it("a passkey sign-in through the device flow says hwk+user+mfa in the device's ID token", async () => {
      const app = await desktopApp(true);
      const user = await newUser(server);
      const auth: SoftAuthenticator = await registerPasskey(server, user.id);
      const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid' });
      const { b, confirmForm } = await enterAndConfirm(da.verification_uri_complete ?? da.verification_uri, da.user_code);
      const go = await b.post(confirmForm.action, confirmForm.fields);
      const at = (await follow(b, go.location!)).url;
      const api = signInApi(b, at.pathname);
      await api('start');
      const o = await api('passkey/options');
      const response = auth.getAssertion({
        rpId: o.body.options.rpId,
        origin: server.config.publicUrl.origin,
        challenge: o.body.options.challenge,
        allowCredentials: [],
      });
      const v = await api('passkey/verify', { response });
      expect((await followToPage(b, v.body.redirectTo)).text).toContain("You're signed in");
      const tokens = await oidc.pollDeviceAuthorizationGrant(app.config, { ...da, interval: 0 });
      expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['hwk', 'mfa', 'user'] });
    });

    it('a browser already signed in (an SSO session) still signs in afresh for a device: no one-click approval of a phished code', async () => {
      const app = await desktopApp(true);
      const user = await passwordUser();
      // The person's browser has a session from signing in to a web app.
      const web = await registerApp(server, 'https://device-sso.example/cb');
      const b0 = await beginSignIn(server, web, { scope: 'openid' });
      await b0.post('start');
      await b0.post('identify', { username: user.upn });
      const signedIn = await b0.post('password', { password: PASSWORD });
      expect((await b0.finish(signedIn.body.redirectTo)).claims()).toMatchObject({ sub: user.id });

      const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid' });
      const { b, confirmForm } = await enterAndConfirm(da.verification_uri, da.user_code, b0.jar);
      const go = await b.post(confirmForm.action, confirmForm.fields);
      const at = (await follow(b, go.location!)).url;
      // The sign-in page, at its first step (not finished by the session): the person signs in again.
      expect(at.pathname).toMatch(/^\/signin\/[^/]+$/);
      const api = signInApi(b, at.pathname);
      const started = await api('start');
      expect(started.body.state, JSON.stringify(started.body)).not.toBe('complete');
      expect(started.body.redirectTo).toBeUndefined();
      await api('identify', { username: user.upn });
      const done = await api('password', { password: PASSWORD });
      expect((await followToPage(b, done.body.redirectTo)).text).toContain("You're signed in");
      const tokens = await oidc.pollDeviceAuthorizationGrant(app.config, { ...da, interval: 0 });
      expect(tokens.claims()).toMatchObject({ sub: user.id });
    });

    it('a sign-in refused by Conditional Access, then "Return to the app": the page says nothing was signed in, and the device hears access_denied', async () => {
      const app = await desktopApp(true);
      const user = await passwordUser();
      await caPolicy(server, { name: 'No devices for this user', userId: user.id, appId: app.appId, block: true });
      const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid' });
      const { b, confirmForm } = await enterAndConfirm(da.verification_uri, da.user_code);
      const go = await b.post(confirmForm.action, confirmForm.fields);
      const api = signInApi(b, (await follow(b, go.location!)).url.pathname);
      await api('start');
      await api('identify', { username: user.upn });
      const refused = await api('password', { password: PASSWORD });
      expect(refused.status).toBe(403);
      const back = await api('return');
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      const page = await followToPage(b, back.body.redirectTo);
      // The provider ends a device interaction with an error as it ends Cancel: the page says nothing was signed in.
      expect(page.status).toBe(200);
      expect(page.text).toContain(codeProblem({ name: 'AbortedError' }));
      await expect(oidc.pollDeviceAuthorizationGrant(app.config, { ...da, interval: 0 })).rejects.toMatchObject({ error: 'access_denied' });
    });

    it('wrong, spent and cancelled codes: a clear page, and the device hears access_denied after Cancel', async () => {
      const app = await desktopApp(true);
      const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid' });
      const b = browser();
      const input = await b.get(da.verification_uri);
      const entered = b.form(input.text, 'op.deviceInputForm');
      const wrong = await b.post(entered.action, { ...entered.fields, user_code: 'BCDF-GHJK' });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain(codeProblem({ name: 'NotFoundError' }));
      const empty = await b.post(entered.action, { ...b.form(wrong.text, 'op.deviceInputForm').fields, user_code: '' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain(codeProblem({ name: 'NoCodeError' }));
      // The page allows no inline script: the provider's onfocus handler is gone.
      expect(input.text).not.toContain('onfocus');
      expect(input.csp).toContain("script-src 'self'");

      // Cancel on the confirm page: nothing signed in, the device is told access_denied.
      const { b: b2, confirmForm } = await enterAndConfirm(da.verification_uri, da.user_code);
      const cancelled = await b2.post(confirmForm.action, { ...confirmForm.fields, abort: 'yes' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.text).toContain(codeProblem({ name: 'AbortedError' }));
      await expect(oidc.pollDeviceAuthorizationGrant(app.config, { ...da, interval: 0 })).rejects.toMatchObject({ error: 'access_denied' });
    });

    it('only apps that allow public client flows may use it: a confidential web app and a desktop app without it are refused, nothing stored', async () => {
      const db = server.runtime.store.db;
      const before = await rowCounts(db, { payloads: 'oidc_payloads' });
      const web = await registerApp(server, 'https://device-web.example/cb');
      const plain = await desktopApp(false);
      for (const config of [web.config, plain.config]) {
        // oidc-provider's answer (RFC 6749 §5.2 would also allow unauthorized_client).
        await expect(oidc.initiateDeviceAuthorization(config, { scope: 'openid' })).rejects.toMatchObject({
          error: 'invalid_request',
          error_description: expect.stringContaining('not allowed for this client'),
        });
      }
      expect(await rowCounts(db, { payloads: 'oidc_payloads' })).toEqual(before);
    });

    // Last: it spends this address's code entries for the minute.
    it(`guessing codes is limited per address (RFC 8628 §5.1): after ${DEVICE_CODE_ENTRIES_PER_MINUTE} entries a minute, a 429 page with the wait, and the code is not even looked at`, async () => {
      const app = await desktopApp(true);
      const da = await oidc.initiateDeviceAuthorization(app.config, { scope: 'openid' });
      const b = browser();
      let form = b.form((await b.get(da.verification_uri)).text, 'op.deviceInputForm');
      let last = { status: 0, text: '' };
      for (let i = 0; i < DEVICE_CODE_ENTRIES_PER_MINUTE + 5 && last.status !== 429; i++) {
        last = await b.post(form.action, { ...form.fields, user_code: 'BCDF-GHJK' });
        if (last.status === 400) form = b.form(last.text, 'op.deviceInputForm');
      }
      expect(last.status).toBe(429);
      expect(last.text).toMatch(/Wait \d+ seconds/);
      // The right code is refused too while the limit holds: no confirm page.
      const right = await b.post(form.action, { ...form.fields, user_code: da.user_code });
      expect(right.status).toBe(429);
      expect(right.text).not.toContain('op.deviceConfirmForm');
    });
  });
}
