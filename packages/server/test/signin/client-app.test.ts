import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { clientAppUsedOf } from '../../src/signin/client-app.ts';
import { beginSignIn, registerApp } from './support.ts';
import { CA, logRowsOf, PASSWORD, userWithToken } from './enforcement-support.ts';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ANDROID_WEBVIEW = 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36';
const IOS_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const IOS_WEBVIEW = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const ELECTRON = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/24.1 Chrome/120.0.0.0 Electron/28.2.0 Safari/537.36';

describe('clientAppUsed of a sign-in (Graph signIn; entra-spec §1.4 clientAppTypes)', () => {
  it.each([
    [CHROME, 'web', 'Browser'],
    [IOS_SAFARI, 'web', 'Browser'],
    [undefined, 'web', 'Browser'],
    ['node', 'web', 'Browser'],
    [ANDROID_WEBVIEW, 'web', 'Mobile Apps and Desktop clients'],
    [IOS_WEBVIEW, 'web', 'Mobile Apps and Desktop clients'],
    [ELECTRON, 'web', 'Mobile Apps and Desktop clients'],
    ['MSAL.Android/5.4.0', 'web', 'Mobile Apps and Desktop clients'],
    ['okhttp/4.12.0', 'web', 'Mobile Apps and Desktop clients'],
    [CHROME, 'native', 'Mobile Apps and Desktop clients'],
  ] as const)('%s (%s client) → %s', (ua, type, expected) => {
    expect(clientAppUsedOf(ua, type)).toBe(expected);
  });
});

/** The log row and Conditional Access's `clientAppTypes` condition read the same derivation. */
for (const kind of STORE_KINDS) {
  describe(`clientAppUsed over HTTP [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    /** A password sign-in whose sign-in page requests carry `userAgent`. */
    async function signIn(rp: Awaited<ReturnType<typeof registerApp>>, upn: string, userAgent: string) {
      const b = await beginSignIn(server, rp);
      const post = async (path: string, body: unknown = {}) => {
        const u = new URL(`/signin/${b.uid}/api/${path}`, server.config.issuer);
        const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': userAgent, cookie: b.jar.header(u) }, body: JSON.stringify(body) });
        b.jar.store(res);
        return { status: res.status, body: (await res.json()) as { state?: string; redirectTo?: string; error?: { code: string; message: string } } };
      };
      await post('start');
      await post('identify', { username: upn });
      return post('password', { password: PASSWORD });
    }

    it('a browser sign-in is logged as "Browser", an Android web view as "Mobile Apps and Desktop clients"', async () => {
      const user = await userWithToken(server);
      const rp = await registerApp(server);
      expect((await signIn(rp, user.upn, CHROME)).body.redirectTo).toBeTruthy();
      expect((await signIn(rp, user.upn, ANDROID_WEBVIEW)).body.redirectTo).toBeTruthy();
      const rows = await logRowsOf(server, user.id);
      expect(rows.map((r) => r.client_app_used)).toEqual(['Mobile Apps and Desktop clients', 'Browser']);
      const api = await server.api(`/api/v1/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${user.id}'`)}`);
      expect(api.body.value.map((r: { clientAppUsed: string }) => r.clientAppUsed)).toEqual(['Mobile Apps and Desktop clients', 'Browser']);
    });

    it('a policy that blocks mobileAppsAndDesktopClients blocks the web view and not the browser', async () => {
      const user = await userWithToken(server);
      const rp = await registerApp(server);
      const policy = await server.api(CA, {
        body: {
          displayName: 'No app web views',
          state: 'enabled',
          conditions: { clientAppTypes: ['mobileAppsAndDesktopClients'], users: { includeUsers: [user.id] }, applications: { includeApplications: [rp.appId] } },
          grantControls: { operator: 'OR', builtInControls: ['block'] },
        },
      });
      expect(policy.status, JSON.stringify(policy.body)).toBe(201);
      const blocked = await signIn(rp, user.upn, ANDROID_WEBVIEW);
      expect(blocked.status).toBe(403);
      expect(blocked.body.error?.message).toContain('No app web views');
      expect((await signIn(rp, user.upn, CHROME)).body.redirectTo).toBeTruthy();
      const rows = await logRowsOf(server, user.id);
      expect(rows.map((r) => [r.client_app_used, r.error_code])).toEqual([
        ['Browser', 0],
        ['Mobile Apps and Desktop clients', 53003],
      ]);
    });
  });
}
