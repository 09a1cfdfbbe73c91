import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { appendSignInLog, type SignInLogEntry } from '../../src/signin/signin-log-repository.ts';
import { beginSignIn, registerApp } from './support.ts';
import { caPolicy, PASSWORD, userWithToken } from './enforcement-support.ts';

const URL_ = '/api/v1/auditLogs/signIns';

/** `GET /auditLogs/signIns`: Graph shape, paging, filters, permissions (issue 4 item 4). */
for (const kind of STORE_KINDS) {
  describe(`sign-in log API [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    const entry = (o: Partial<SignInLogEntry> & { at: Date; userId: string }): SignInLogEntry => ({
      flowId: null,
      userPrincipalName: 'seed@latchkey.test',
      appId: 'latchkey-console',
      ipAddress: '192.0.2.7',
      errorCode: 0,
      failureReason: null,
      conditionalAccessStatus: 'notApplied',
      appliedConditionalAccessPolicies: [],
      authenticationDetails: [{ authenticationMethod: 'Password', succeeded: true, authenticationStepDateTime: o.at.toISOString() }],
      authenticationRequirement: 'singleFactorAuthentication',
      correlationId: null,
      ...o,
    });

    it('a real blocked sign-in appears in Graph signIn shape with the policy result and the reason', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      const policyId = await caPolicy(server, { name: 'Block kiosk', userId: user.id, appId: app.appId, block: true });
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      expect((await b.post('password', { password: PASSWORD })).status).toBe(403);
      const res = await server.api(`${URL_}?$filter=${encodeURIComponent(`userId eq '${user.id}'`)}`);
      expect(res.status).toBe(200);
      expect(res.body.value).toHaveLength(1);
      const row = res.body.value[0];
      expect(row).toMatchObject({
        userId: user.id,
        userPrincipalName: user.upn,
        appId: app.appId,
        clientAppUsed: 'Browser',
        status: { errorCode: 53003 },
        conditionalAccessStatus: 'failure',
        authenticationRequirement: 'singleFactorAuthentication',
        authenticationDetails: [{ authenticationMethod: 'Password', succeeded: true }],
        isInteractive: true,
        authenticationProtocol: 'none', // a device code's approval says deviceCode (test/oidc/device-flow.test.ts)
        originalTransferMethod: 'none',
      });
      expect(row.appDisplayName).toMatch(/^RP /);
      expect(row.status.failureReason).toContain('Block kiosk');
      expect(row.appliedConditionalAccessPolicies).toContainEqual({ id: policyId, displayName: 'Block kiosk', result: 'failure', enforcedGrantControls: ['Block'] });
      expect(typeof row.correlationId).toBe('string');
      expect(new Date(row.createdDateTime).toISOString()).toBe(row.createdDateTime);
    });

    it('a wrong password for an unknown name is logged as typed (userId null, 50126), findable by userPrincipalName', async () => {
      const app = await registerApp(server);
      const name = `nobody-${crypto.randomUUID().slice(0, 6)}@latchkey.test`;
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: name });
      expect((await b.post('password', { password: 'Wrong-1-abc' })).status).toBe(400);
      const res = await server.api(`${URL_}?$filter=${encodeURIComponent(`userPrincipalName eq '${name.toUpperCase()}'`)}`);
      expect(res.status).toBe(200);
      expect(res.body.value).toHaveLength(1);
      expect(res.body.value[0]).toMatchObject({ userId: null, userPrincipalName: name, appId: app.appId, status: { errorCode: 50126, failureReason: 'Invalid username or password. (invalidCredentials)' }, conditionalAccessStatus: 'notApplied' });
      expect(res.body.value[0].authenticationDetails).toEqual([expect.objectContaining({ authenticationMethod: 'Password', succeeded: false })]);
    });

        it('pages newest first with @odata.nextLink, and filters on createdDateTime, appId and status/errorCode', async () => {
      const userId = crypto.randomUUID();
      const t0 = Date.parse('2026-01-10T12:00:00Z');
      for (let i = 0; i < 5; i++)
        await appendSignInLog(server.runtime.store.db, entry({ userId, at: new Date(t0 + i * 60_000), errorCode: i % 2 ? 50126 : 0, appId: i === 4 ? 'latchkey-my' : 'latchkey-console' }));
      const f = (s: string) => encodeURIComponent(s);
      const seen: string[] = [];
      let next: string | undefined = `${URL_}?$top=2&$filter=${f(`userId eq '${userId}'`)}`;
      let pages = 0;
      while (next) {
        const page = await server.api(next.replace(server.config.publicUrl.origin, ''));
        expect(page.status).toBe(200);
        expect(page.body.value.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.value.map((v: { createdDateTime: string }) => v.createdDateTime));
        next = page.body['@odata.nextLink'];
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual([4, 3, 2, 1, 0].map((i) => new Date(t0 + i * 60_000).toISOString()));

      const failures = await server.api(`${URL_}?$filter=${f(`userId eq '${userId}' and status/errorCode eq 50126`)}`);
      expect(failures.body.value.map((v: { status: { errorCode: number } }) => v.status.errorCode)).toEqual([50126, 50126]);
      const since = await server.api(`${URL_}?$filter=${f(`userId eq '${userId}' and createdDateTime ge 2026-01-10T12:02:00Z and createdDateTime lt 2026-01-10T12:04:00Z`)}`);
      expect(since.body.value).toHaveLength(2);
      const my = await server.api(`${URL_}?$filter=${f(`userId eq '${userId}' and appId eq 'latchkey-my'`)}`);
      expect(my.body.value).toHaveLength(1);
      expect(my.body.value[0].appDisplayName).toBe('My Security Info');
    });

    it('bad $filter, $top or $skiptoken → 400 with a Graph error, never a 500', async () => {
      for (const q of ['$filter=displayName%20eq%20%27x%27', '$filter=authenticationProtocol%20ge%20%27x%27', '$filter=userId%20eq%20%27not-a-guid%27', '$filter=createdDateTime%20ge%20yesterday', '$filter=status/errorCode%20ge%2010', '$top=0', '$top=1000', '$skiptoken=zzz']) {
        const res = await server.api(`${URL_}?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.body.error.code).toBe('Request_BadRequest');
        expect(typeof res.body.error.message).toBe('string');
      }
    });

    it('needs audit.read: anonymous 401, a role without it 403, a reader with AuditLog.Read.All 200', async () => {
      expect((await server.api(URL_, { token: null })).status).toBe(401);
      expect((await server.api(URL_, { token: await server.token({ roles: ['Helpdesk Administrator'] }) })).status).toBe(403);
      expect((await server.api(URL_, { token: await server.token({ scopes: ['User.Read.All'] }) })).status).toBe(403);
      const reader = await server.token({ roles: ['Reports Reader'], scopes: ['AuditLog.Read.All'] });
      expect((await server.api(URL_, { token: reader })).status).toBe(200);
    });
  });
}
