import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { answerLogoutPage, browserOf, enableFido2, passkeySignIn as signInWithPasskey } from './support.ts';
import { STRENGTH } from '../../src/signin/amr.ts';
import { ALL_SCOPES } from '../../src/auth/permissions.ts';

for (const kind of STORE_KINDS) {
  describe(`sessions and tokens of first-party clients [${kind}]`, () => {
    let server: TestServer;
    const client = async (clientId: string, base: string) => ({
      config: await oidc.discovery(new URL(server.config.issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] }),
      redirectUri: `${server.config.publicUrl.origin}${base}/callback`,
    });
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    const passkeySignIn = (c: Awaited<ReturnType<typeof client>>, extra: Record<string, string> = {}) => signInWithPasskey(server, c, extra);

    it('public client + PKCE: a refresh token (offline_access), and the refreshed access token keeps amr/acr/auth_time', async () => {
      const my = await client('latchkey-my', '/my');
      const { user, tokens } = await passkeySignIn(my, { scope: 'openid profile offline_access', prompt: 'consent' });
      expect(tokens.refresh_token).toBeTruthy();
      const first = decodeJwt(tokens.access_token);
      expect(first).toMatchObject({ oid: user.id, scp: 'Latchkey.Me', acr: STRENGTH.phishingResistantMfa });
      const refreshed = await oidc.refreshTokenGrant(my.config, tokens.refresh_token!);
      const second = decodeJwt(refreshed.access_token);
      expect(second).toMatchObject({ oid: user.id, amr: first.amr, acr: first.acr, auth_time: first.auth_time });
      expect(refreshed.access_token).not.toBe(tokens.access_token);
    });

    it('console tokens carry every admin permission name and the user roles; a user without roles is refused by the admin API', async () => {
      const consoleClient = await client('latchkey-console', '/admin');
      const { tokens } = await passkeySignIn(consoleClient);
      const claims = decodeJwt(tokens.access_token);
      expect(String(claims.scp).split(' ').sort()).toEqual([...ALL_SCOPES].sort());
      expect(claims.wids).toEqual([]);
      const r = await server.api('/api/v1/users', { token: tokens.access_token });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('Authorization_RequestDenied');
    });

    it('RP-initiated logout ends the SSO session: prompt=none then answers login_required', async () => {
      const my = await client('latchkey-my', '/my');
      const { tokens, jar } = await passkeySignIn(my);
      const base = server.config.issuer;
      const get = browserOf(jar);
      const silent = () =>
        get(oidc.buildAuthorizationUrl(my.config, { redirect_uri: my.redirectUri, scope: 'openid', prompt: 'none', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', state: 's' }));
      expect(new URL((await silent()).headers.get('location')!).searchParams.get('code')).toBeTruthy(); // SSO works
      const logout = await get(oidc.buildEndSessionUrl(my.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${server.config.publicUrl.origin}/my` }));
      const confirmed = await answerLogoutPage(get, base, await logout.text(), { logout: 'yes' });
      expect(confirmed.headers.get('location')).toContain('/my');
      expect(new URL((await silent()).headers.get('location')!).searchParams.get('error')).toBe('login_required');
    });
  });
}
