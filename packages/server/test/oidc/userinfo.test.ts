import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, newUser, passkeySignIn, registerApp, registerPasskey } from '../signin/support.ts';
import { adminApiAudience } from '../../src/oidc/access-token.ts';

/**
 * The access token an app gets for a sign-in, with openid-client: without `resource`, a token for
 * userinfo, which answers with the person's claims (as generic OIDC apps expect: Grafana, GitLab,
 * mod_auth_openidc call it); with `resource` = the admin API, a JWT for that API, which userinfo
 * does not take and which carries no admin permission for a registered app.
 */
for (const kind of STORE_KINDS) {
  describe(`userinfo and the access token of a registered app's sign-in [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    async function signIn(extra: Record<string, string> = {}) {
      const rp = await registerApp(server, `https://userinfo-${crypto.randomUUID().slice(0, 6)}.example/cb`);
      return { rp, ...(await passkeySignIn(server, rp, extra)) };
    }

    it('without a resource: userinfo answers with the claims of the ID token, for that person only', async () => {
      const { rp, user, tokens } = await signIn({ scope: 'openid profile' });
      const info = await oidc.fetchUserInfo(rp.config, tokens.access_token, user.id);
      expect(info).toEqual({ sub: user.id, oid: user.id, name: `User ${user.upn.split('@')[0]}`, preferred_username: user.upn });
      // openid-client checks the subject: another person's sub is refused.
      await expect(oidc.fetchUserInfo(rp.config, tokens.access_token, crypto.randomUUID())).rejects.toThrow(/unexpected JSON attribute value/);
      // The token is not one for the admin API.
      expect((await server.api('/api/v1/me/authentication/methods', { token: tokens.access_token })).status).toBe(401);
    });

    it("the email scope (OIDC Core §5.4): the directory's mail address as `email` in the ID token and userinfo; without the scope, or without a mail address, none", async () => {
      const rp = await registerApp(server, 'https://email-app.example/cb');
      const withMail = await newUser(server);
      expect((await server.api(`/api/v1/users/${withMail.id}`, { method: 'PATCH', body: { mail: 'grace.hopper@example.org' } })).status).toBe(204);
      const auth = await registerPasskey(server, withMail.id);
      const signIn = async (scope: string) => {
        const b = await beginSignIn(server, rp, { scope });
        await b.post('start');
        const v = await b.usernamelessPasskey(auth);
        return b.finish(v.body.redirectTo);
      };
      const tokens = await signIn('openid profile email');
      // In the ID token of the code flow as in Entra's, with the profile scope's claims (conformIdTokenClaims off, oidc/provider.ts).
      expect(tokens.claims()).toMatchObject({ sub: withMail.id, oid: withMail.id, preferred_username: withMail.upn, name: expect.stringMatching(/^User /), email: 'grace.hopper@example.org' });
      expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, withMail.id)).toMatchObject({ email: 'grace.hopper@example.org' });
      const noScope = await signIn('openid profile');
      expect(noScope.claims()?.email).toBeUndefined();
      expect((await oidc.fetchUserInfo(rp.config, noScope.access_token, withMail.id)).email).toBeUndefined();
      // A person without a mail address: no email claim at all (never the UPN in its place).
      const { tokens: noMail, user } = await passkeySignIn(server, rp, { scope: 'openid profile email' });
      expect(noMail.claims()?.email).toBeUndefined();
      expect(await oidc.fetchUserInfo(rp.config, noMail.access_token, user.id)).not.toHaveProperty('email');
      expect(server.config.issuer && (await oidc.discovery(new URL(server.config.issuer), 'x', undefined, undefined, { execute: [oidc.allowInsecureRequests] })).serverMetadata().scopes_supported).toContain('email');
    });

    it('with resource = the admin API: a JWT for it, which userinfo does not take, and no admin permission', async () => {
      const { rp, user, tokens } = await signIn({ resource: adminApiAudience(server.config.issuer) });
      expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: adminApiAudience(server.config.issuer), oid: user.id });
      expect(decodeJwt(tokens.access_token).scp).toBeUndefined();
      await expect(oidc.fetchUserInfo(rp.config, tokens.access_token, user.id)).rejects.toThrow();
      expect((await server.api('/api/v1/users', { token: tokens.access_token })).status).toBe(403);
    });
  });
}
