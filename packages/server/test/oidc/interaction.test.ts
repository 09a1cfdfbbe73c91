import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { FastifyInstance } from 'fastify';
import { STORE_KINDS, openTestStore } from '../support/stores.ts';
import type { StoreKind } from '../../src/store/database.ts';
import { freePort } from '../support/server.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { createOidc, type Oidc } from '../../src/oidc/index.ts';
import { ensureFirstAdmin } from '../../src/bootstrap.ts';
import { findOp } from '../../src/cli/ops.ts';
import '../../src/cli/all-ops.ts';

/** A minimal cookie jar: name → value per path, sent when the path is a prefix of the request path. */
class Jar {
  private cookies = new Map<string, { value: string; path: string }>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, ...v] = pair!.split('=');
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attrs.some((a) => a.toLowerCase().startsWith('expires=') && new Date(a.slice(8)).getTime() < Date.now());
      const key = `${name}|${path}`;
      if (expired || v.join('=') === '') this.cookies.delete(key);
      else this.cookies.set(key, { value: v.join('='), path });
    }
  }
  header(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([k, c]) => `${k.split('|')[0]}=${c.value}`)
      .join('; ');
  }
}

/**
 * The interaction hook end to end: an authorization-code flow with PKCE through oidc-provider,
 * where a stand-in for the sign-in pages (issue 3) at /signin/{uid} logs the first administrator
 * in and grants consent through `oidc.provider()`. openid-client redeems the code.
 */
const VARIANTS: Array<{ kind: StoreKind; publicUrl?: string }> = [
  ...STORE_KINDS.map((kind) => ({ kind })),
  // Behind a TLS-terminating proxy: the node speaks http, the public URL is https (secure cookies).
  { kind: 'pglite', publicUrl: 'https://id.latchkey.test' },
];

for (const { kind, publicUrl } of VARIANTS) {
  describe(`authorization code flow through the /signin/{uid} interaction hook [${kind}${publicUrl ? `, ${publicUrl}` : ''}]`, () => {
    let rt: Runtime;
    let app: FastifyInstance;
    let module: Oidc;
    let base: string;
    let adminId: string;
    let local: string;
    /** What the proxy does: requests for the public origin go to the node's loopback port. */
    const send = (input: string | URL, init?: RequestInit) => fetch(String(input).replace(base, local), init);

    beforeAll(async () => {
      const port = await freePort();
      const config = loadConfig({
        LATCHKEY_PORT: String(port),
        LATCHKEY_DATA_DIR: '/nonexistent',
        LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
        LATCHKEY_RATE_LIMIT_PER_MINUTE: '0',
        ...(publicUrl ? { LATCHKEY_PUBLIC_URL: publicUrl } : {}),
      });
      const logger = createLogger('silent');
      rt = await openRuntime(config, logger, { store: await openTestStore(kind) });
      module = await createOidc(rt);
      adminId = (await ensureFirstAdmin(rt.store.db, config.bootstrapAdminUpn)).userId;
      const signInStandIn = (a: FastifyInstance) => {
        a.get('/signin/:uid', { schema: { hide: true } }, async (request, reply) => {
          reply.hijack();
          const provider = module.provider();
          const details = await provider.interactionDetails(module.raw(request), reply.raw);
          if (details.prompt.name === 'login') {
            await provider.interactionFinished(
              module.raw(request),
              reply.raw,
              { login: { accountId: adminId } },
              { mergeWithLastSubmission: false },
            );
            return;
          }
          const grant = new provider.Grant({ accountId: adminId, clientId: String(details.params.client_id) });
          grant.addOIDCScope(String(details.params.scope));
          await provider.interactionFinished(
            module.raw(request),
            reply.raw,
            { consent: { grantId: await grant.save() } },
            { mergeWithLastSubmission: true },
          );
        });
      };
      app = await buildApp(
        { config, store: rt.store, envelope: rt.envelope, logger, tokens: module.tokens },
        { extend: [(a) => module.mount(a), signInStandIn] },
      );
      local = (await app.listen({ host: '127.0.0.1', port })).replace('localhost', '127.0.0.1');
      base = config.issuer;
    });
    afterAll(async () => {
      await app?.close();
      await rt?.close();
    });

    it('signs the user in, redeems the code with PKCE, and issues an RS256 ID token for the directory user', async () => {
      expect((await module.tokens.verify(await adminToken())).id).toBe(adminId);
      const apps = (await api('/api/v1/applications', {
        displayName: 'Intranet',
        web: { redirectUris: ['https://intranet.example/cb'] },
      })) as { id: string; appId: string };
      await api('/api/v1/servicePrincipals', { appId: apps.appId });
      const secret = (await api(`/api/v1/applications/${apps.id}/addPassword`, {})).secretText as string;

      const config = await oidc.discovery(new URL(base), apps.appId, undefined, oidc.ClientSecretBasic(secret), {
        execute: [oidc.allowInsecureRequests],
        [oidc.customFetch]: (u: string, o: oidc.CustomFetchOptions) => send(u, o as RequestInit),
      });
      config[oidc.customFetch] = (u: string, o: oidc.CustomFetchOptions) => send(u, o as RequestInit);
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      let url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: 'https://intranet.example/cb',
        scope: 'openid profile',
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const jar = new Jar();
      const visited: string[] = [];
      const setCookies: string[] = [];
      for (let hop = 0; hop < 10 && url.origin === base; hop++) {
        const res = await send(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
        jar.store(res);
        setCookies.push(...res.headers.getSetCookie());
        expect([302, 303]).toContain(res.status);
        url = new URL(res.headers.get('location')!, url);
        visited.push(url.pathname);
      }
      expect(visited.filter((p) => p.startsWith('/signin/')).length).toBe(2); // login, then consent
      expect(url.origin + url.pathname).toBe('https://intranet.example/cb');
      // Cookies are Secure exactly when the public URL is https, whatever the node's own scheme.
      expect(setCookies.length).toBeGreaterThan(0);
      expect(setCookies.every((c) => /;\s*secure/i.test(c))).toBe(Boolean(publicUrl));

      const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state });
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
      expect(tokens.claims()).toMatchObject({ iss: base, aud: apps.appId, sub: adminId });
      expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: adminId });
      const rows = await rt.store.db.selectFrom('oidc_payloads').select('kind').distinct().execute();
      expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['Session', 'Grant', 'AuthorizationCode']));
      // The authorization code is single use.
      await expect(oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state })).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    async function adminToken(): Promise<string> {
      return ((await findOp('admin.token')!.run(rt, {})) as { accessToken: string }).accessToken;
    }
    async function api(path: string, body: unknown): Promise<Record<string, string>> {
      const res = await send(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await adminToken()}` },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
      return (await res.json()) as Record<string, string>;
    }
  });
}
