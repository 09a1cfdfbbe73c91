import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as oidc from 'openid-client';
import { get as httpGet } from 'node:http';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { adminApiAudience } from '../../src/oidc/access-token.ts';
import { rotateSigningKeys, retireKey } from '../../src/oidc/keys.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { ROLE } from '../../src/directory/roles.ts';

/** The OAuth error code of a failed openid-client call (a JSON body, or a WWW-Authenticate challenge). */
async function oauthError(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    const e = err as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
    return e.error ?? (Array.isArray(e.cause) ? e.cause[0]?.parameters?.error : undefined);
  }
}

/** openid-client as a real relying party against a real server, on both backends. */
for (const kind of STORE_KINDS) {
  describe(`OIDC provider with openid-client [${kind}]`, () => {
    let server: TestServer;
    let appId: string;
    let appObjectId: string;
    let spId: string;
    let secret: string;
    const discover = (clientId: string, clientSecret: string) =>
      oidc.discovery(new URL(server.config.issuer), clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
        execute: [oidc.allowInsecureRequests],
      });

    beforeAll(async () => {
      server = await startTestServer(kind);
      const app = await server.api('/api/v1/applications', { body: { displayName: 'Nightly sync' } });
      expect(app.status).toBe(201);
      appId = app.body.appId;
      appObjectId = app.body.id;
      const sp = await server.api('/api/v1/servicePrincipals', { body: { appId } });
      expect(sp.status).toBe(201);
      spId = sp.body.id;
      const pw = await server.api(`/api/v1/applications/${appObjectId}/addPassword`, {
        body: { passwordCredential: { displayName: 'ci' } },
      });
      expect(pw.status).toBe(200);
      secret = pw.body.secretText;
      expect(
        await server.api(`/api/v1/servicePrincipals/${spId}/appRoleAssignments`, { body: { appRoleValue: 'AuditLog.Read.All' } }),
      ).toMatchObject({ status: 201 });
      expect(
        await server.api(`/api/v1/servicePrincipals/${spId}/directoryRoles`, { body: { roleDefinitionId: 'Reports Reader' } }),
      ).toMatchObject({ status: 204 });
    });
    afterAll(async () => server?.close());

    it('serves discovery and a JWKS with the active public keys only', async () => {
      const config = await discover(appId, secret);
      const meta = config.serverMetadata();
      expect(meta.issuer).toBe(server.config.issuer);
      expect(meta.token_endpoint).toBe(`${server.config.issuer}/oidc/token`);
      expect(meta.authorization_endpoint).toBe(`${server.config.issuer}/oidc/authorize`);
      expect(meta.grant_types_supported).toContain('client_credentials');
      const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: Array<Record<string, unknown>> };
      expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      for (const k of jwks.keys) expect(k).not.toHaveProperty('d');
    });

    it('builds every discovery URL from the public URL, whatever Host or X-Forwarded-* a client sends', async () => {
      const u = new URL(server.url);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpGet(
          {
            host: u.hostname,
            port: u.port,
            path: '/.well-known/openid-configuration',
            headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
      });
      const meta = JSON.parse(body) as Record<string, unknown>;
      const urls = Object.values(meta).filter((v): v is string => typeof v === 'string' && /^https?:/.test(v));
      expect(urls.length).toBeGreaterThan(4);
      for (const url of urls) expect(url === server.config.issuer || url.startsWith(server.config.issuer + '/'), url).toBe(true);
    });

    it("leaves form-action out of the CSP on the authorization endpoint's answers (response_mode=form_post posts to the app) and the logout page only", async () => {
      const cspOf = async (path: string) => (await fetch(`${server.url}${path}`, { redirect: 'manual' })).headers.get('content-security-policy') ?? '';
      const authorize = await cspOf(`/oidc/authorize?client_id=${appId}&response_type=code&scope=openid`);
      expect(authorize).toContain("frame-ancestors 'none'");
      expect(authorize).not.toContain('form-action');
      for (const path of ['/oidc/jwks', '/oidc/userinfo', '/my', '/.well-known/openid-configuration']) expect(await cspOf(path), path).toContain("form-action 'self'");
      // The logout page too: its confirmation's answer redirects to the app (docs/security.md, ADR 0023).
      expect(await cspOf('/oidc/logout')).not.toContain('form-action');
      expect(await cspOf('/oidc/logout')).toContain("frame-ancestors 'none'");
    });

    it('issues a client-credentials JWT that the admin API accepts, with the granted permissions and roles', async () => {
      const config = await discover(appId, secret);
      const tokens = await oidc.clientCredentialsGrant(config, { resource: adminApiAudience(server.config.issuer) });
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      const claims = decodeJwt(tokens.access_token);
      expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(claims).toMatchObject({
        iss: server.config.issuer,
        aud: adminApiAudience(server.config.issuer),
        sub: spId,
        oid: spId,
        idtyp: 'app',
        azp: appId,
        roles: ['AuditLog.Read.All'],
        wids: [ROLE.reportsReader],
      });
      // The JWKS published at discovery verifies it (what any resource server would do).
      await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), {
        issuer: server.config.issuer,
        audience: adminApiAudience(server.config.issuer),
      });
      const audits = await server.api('/api/v1/auditLogs/directoryAudits?$top=5', { token: tokens.access_token });
      expect(audits.status).toBe(200);
      // Not granted: Application.Read.All → 403.
      const apps = await server.api('/api/v1/applications', { token: tokens.access_token });
      expect(apps.status).toBe(403);
      expect(apps.body.error.code).toBe('Authorization_RequestDenied');
    });

    it('defaults the resource to the admin API when none is given (client_secret_post works too)', async () => {
      const config = await oidc.discovery(new URL(server.config.issuer), appId, undefined, oidc.ClientSecretPost(secret), {
        execute: [oidc.allowInsecureRequests],
      });
      const tokens = await oidc.clientCredentialsGrant(config);
      expect(decodeJwt(tokens.access_token).aud).toBe(adminApiAudience(server.config.issuer));
      // Entra style: scope=<resource>/.default, no resource parameter.
      const entraStyle = await oidc.clientCredentialsGrant(config, { scope: `${adminApiAudience(server.config.issuer)}/.default` });
      expect(decodeJwt(entraStyle.access_token)).toMatchObject({
        aud: adminApiAudience(server.config.issuer),
        roles: ['AuditLog.Read.All'],
      });
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: entraStyle.access_token })).status).toBe(200);
    });

    it('refuses a wrong secret, an unknown client and an unknown resource', async () => {
      expect(await oauthError(oidc.clientCredentialsGrant(await discover(appId, secret + 'x')))).toBe('invalid_client');
      expect(await oauthError(oidc.clientCredentialsGrant(await discover(crypto.randomUUID(), secret)))).toBe('invalid_client');
      expect(
        await oauthError(oidc.clientCredentialsGrant(await discover(appId, secret), { resource: 'https://graph.microsoft.com' })),
      ).toBe('invalid_target');
    });

    it('stops issuing and accepting tokens when the service principal is disabled, and after removePassword', async () => {
      const config = await discover(appId, secret);
      const token = (await oidc.clientCredentialsGrant(config)).access_token;
      expect(await server.api(`/api/v1/servicePrincipals/${spId}`, { method: 'PATCH', body: { accountEnabled: false } })).toMatchObject({
        status: 204,
      });
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token })).status).toBe(401);
      expect(await oauthError(oidc.clientCredentialsGrant(config))).toBe('invalid_client');
      expect(await server.api(`/api/v1/servicePrincipals/${spId}`, { method: 'PATCH', body: { accountEnabled: true } })).toMatchObject({
        status: 204,
      });
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token })).status).toBe(200);

      const second = await server.api(`/api/v1/applications/${appObjectId}/addPassword`, { body: {} });
      const cfg2 = await discover(appId, second.body.secretText);
      expect((await oidc.clientCredentialsGrant(cfg2)).access_token).toBeTruthy();
      expect(await server.api(`/api/v1/applications/${appObjectId}/removePassword`, { body: { keyId: second.body.keyId } })).toMatchObject({
        status: 204,
      });
      expect(await oauthError(oidc.clientCredentialsGrant(cfg2))).toBe('invalid_client');
    });

    it('authorization endpoint: sends the browser to the sign-in interaction at /signin/{uid}, stored in oidc_payloads', async () => {
      const web = (
        await server.api('/api/v1/applications', {
          body: { displayName: 'Intranet', web: { redirectUris: ['https://intranet.example/cb'] } },
        })
      ).body;
      expect((await server.api('/api/v1/servicePrincipals', { body: { appId: web.appId } })).status).toBe(201);
      const config = await discover(web.appId, 'unused');
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: 'https://intranet.example/cb',
        scope: 'openid profile',
        state: 'st',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(303);
      const location = res.headers.get('location')!;
      const uid = /^\/signin\/([\w-]+)$/.exec(location)?.[1];
      expect(uid).toBeTruthy();
      expect(res.headers.get('set-cookie')).toMatch(/_interaction=/);
      const row = await server.runtime.store.db
        .selectFrom('oidc_payloads')
        .select(['kind', 'expires_at'])
        .where('kind', '=', 'Interaction')
        .where('id', '=', uid!)
        .executeTakeFirst();
      expect(row?.kind).toBe('Interaction');
      expect(new Date(row!.expires_at!).getTime()).toBeGreaterThan(Date.now());
      // An unregistered redirect URI is refused (no redirect to it).
      const bad = await fetch(
        oidc.buildAuthorizationUrl(config, {
          redirect_uri: 'https://evil.example/cb',
          scope: 'openid',
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
        }),
        { redirect: 'manual' },
      );
      expect(bad.status).toBe(400);
      expect(bad.headers.get('location')).toBeNull();
    });

    it('holds both halves for app tokens too: a granted permission without a directory role is 403', async () => {
      const bare = (await server.api('/api/v1/applications', { body: { displayName: 'Permission only' } })).body;
      const sp = (await server.api('/api/v1/servicePrincipals', { body: { appId: bare.appId } })).body;
      const pw = (await server.api(`/api/v1/applications/${bare.id}/addPassword`, { body: {} })).body;
      expect(
        (await server.api(`/api/v1/servicePrincipals/${sp.id}/appRoleAssignments`, { body: { appRoleValue: 'AuditLog.Read.All' } })).status,
      ).toBe(201);
      const token = (await oidc.clientCredentialsGrant(await discover(bare.appId, pw.secretText))).access_token;
      expect(decodeJwt(token)).toMatchObject({ roles: ['AuditLog.Read.All'], wids: [] });
      const r = await server.api('/api/v1/auditLogs/directoryAudits', { token });
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(/directory role/);
    });

    it('answers odd requests to the provider with 4xx OAuth errors, never a 5xx', async () => {
      const base = server.config.issuer;
      const send = async (path: string, init: RequestInit = {}) => (await fetch(base + path, { redirect: 'manual', ...init })).status;
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const statuses = [
        await send('/oidc/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"grant_type":"client_credentials"}',
        }),
        await send('/oidc/token', { method: 'POST', headers: form, body: 'grant_type=password&username=a&password=b' }),
        await send('/oidc/token', { method: 'POST', headers: form, body: 'grant_type=client_credentials&client_id=%00' }),
        await send('/oidc/token', { method: 'POST', headers: form, body: 'x'.repeat(100_000) }),
        await send('/oidc/token', {
          method: 'POST',
          headers: { ...form, authorization: 'Basic !!!' },
          body: 'grant_type=client_credentials',
        }),
        await send('/oidc/token', {
          method: 'POST',
          headers: { ...form, authorization: `Basic ${Buffer.from(`${appId}:${'s'.repeat(5000)}`).toString('base64')}` },
          body: 'grant_type=client_credentials',
        }),
        await send('/oidc/token'),
        await send('/oidc/authorize?client_id=nope&response_type=code'),
        await send('/oidc/userinfo', { headers: { authorization: 'Bearer garbage' } }),
        await send('/oidc/nothing-here'),
      ];
      for (const s of statuses) {
        expect(s).toBeGreaterThanOrEqual(400);
        expect(s).toBeLessThan(500);
      }
      expect(await send('/healthz')).toBe(200);
    });

    it('rotation: old tokens stay valid, new ones carry the new kid; retiring the old key revokes its tokens', async () => {
      const config = await discover(appId, secret);
      const before = (await oidc.clientCredentialsGrant(config)).access_token;
      const cliBefore = await server.token();
      const oldKid = decodeProtectedHeader(before).kid!;
      const added = await rotateSigningKeys(server.runtime.store.db, server.runtime.envelope, systemContext(), (c, p) =>
        server.runtime.store.notify(c, p),
      );
      expect(added).toHaveLength(2);
      const cliAfter = await server.token();
      const newKid = decodeProtectedHeader(cliAfter).kid!;
      expect(newKid).not.toBe(oldKid);
      expect(added).toContain(newKid);
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: cliAfter })).status).toBe(200);
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: before })).status).toBe(200);
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: cliBefore })).status).toBe(200);
      // The provider picks up the new key (NOTIFY → rebuild) — poll until it signs with it.
      let after = '';
      for (let i = 0; i < 50 && decodeProtectedHeader(after || before).kid !== newKid; i++) {
        after = (await oidc.clientCredentialsGrant(config)).access_token;
        if (decodeProtectedHeader(after).kid !== newKid) await new Promise((r) => setTimeout(r, 100));
      }
      expect(decodeProtectedHeader(after).kid).toBe(newKid);
      const jwks = (await (await fetch(config.serverMetadata().jwks_uri!)).json()) as { keys: Array<{ kid: string }> };
      expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));

      await retireKey(server.runtime.store.db, oldKid, systemContext(), (c, p) => server.runtime.store.notify(c, p));
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) {
        status = (await server.api('/api/v1/auditLogs/directoryAudits', { token: before })).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(401);
      expect((await server.api('/api/v1/auditLogs/directoryAudits', { token: after })).status).toBe(200);
      await expect(retireKey(server.runtime.store.db, newKid, systemContext(), async () => {})).rejects.toMatchObject({ status: 400 });
    });
  });
}
