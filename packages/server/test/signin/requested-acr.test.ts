import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, passkeySignIn, registerApp, registerPasskey } from './support.ts';
import { caPolicy, logRowsOf, MFA, PASSWORD, PHISHING_RESISTANT, userWithToken } from './enforcement-support.ts';
import { SIGNIN_ERROR } from '../../src/signin/signin-log-entry.ts';

/** The `claims` parameter asking for an essential `acr` (OIDC Core §5.5.1.1). */
const essential = (...values: string[]) => ({ claims: JSON.stringify({ id_token: { acr: { essential: true, values } } }) });

/**
 * The `acr` an app asks for, through a real relying party (openid-client) and the sign-in
 * endpoints: `acr_values` and the `claims` parameter's essential `acr` make the sign-in ask for
 * what meets them, the ID token's `acr` names the value met, and an essential one that cannot be
 * met ends with `unmet_authentication_requirements` at the app.
 */
for (const kind of STORE_KINDS) {
  describe(`the acr an app asks for [${kind}]`, () => {
    let server: TestServer;
    let app: Awaited<ReturnType<typeof registerApp>>;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
      app = await registerApp(server);
    });
    afterAll(async () => server?.close());

    it('discovery says the claims parameter is supported', async () => {
      const d = (await (await fetch(`${server.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      expect(d.claims_parameter_supported).toBe(true);
      expect(d.acr_values_supported).toContain(PHISHING_RESISTANT);
    });

    it("acr_values (voluntary): a passkey sign-in answers with the first value it meets, in the app's order", async () => {
      const { tokens } = await passkeySignIn(server, app, { acr_values: `urn:example:unknown ${MFA} ${PHISHING_RESISTANT}` });
      expect(tokens.claims()!.acr).toBe(MFA);
      const plain = await passkeySignIn(server, app);
      expect(plain.tokens.claims()!.acr).toBe(PHISHING_RESISTANT);
    });

    it('an essential phishing-resistant acr: after the password the page asks for the passkey (not the token), and the ID token says it was met', async () => {
      const user = await userWithToken(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, app, essential(PHISHING_RESISTANT));
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.body).toMatchObject({ state: 'chooseSecondFactor', methods: ['passkey'] });
      expect(p.body.reason).toContain('Phishing-resistant MFA');
      const o = await b.post('passkey/options');
      expect(o.status, JSON.stringify(o.body)).toBe(200);
      const response = auth.getAssertion({
        rpId: o.body.options.rpId,
        origin: server.config.publicUrl.origin,
        challenge: o.body.options.challenge,
        allowCredentials: o.body.options.allowCredentials ?? [],
      });
      const v = await b.post('passkey/verify', { response });
      expect(v.status, JSON.stringify(v.body)).toBe(200);
      const claims = (await b.finish(v.body.redirectTo)).claims()!;
      expect(claims.acr).toBe(PHISHING_RESISTANT);
      expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'hwk']));
    });

    it('an essential acr the person cannot meet: refused with the reason, logged, and "Return to the app" gives the app unmet_authentication_requirements', async () => {
      const user = await userWithToken(server); // password and a hardware token, no passkey
      const b = await beginSignIn(server, app, essential(PHISHING_RESISTANT));
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.status).toBe(403);
      expect(p.body.error.details).toMatchObject({ reason: 'accessBlocked', requestedAcr: [PHISHING_RESISTANT] });
      expect(p.body.error.message).toContain('Phishing-resistant MFA');
      const [row] = await logRowsOf(server, user.id);
      expect(Number(row!.error_code)).toBe(SIGNIN_ERROR.strongAuthFailed);

      const back = await b.post('return');
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      expect(back.body.state).toBe('failed');
      // openid-client, as the app: the authorization response is an error, with the reason.
      const err = await b.finish(back.body.redirectTo).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(oidc.AuthorizationResponseError);
      expect((err as oidc.AuthorizationResponseError).error).toBe('unmet_authentication_requirements');
      expect((err as oidc.AuthorizationResponseError).error_description).toContain('Phishing-resistant MFA');
    });

    it('a voluntary acr the person cannot meet: the sign-in finishes with the acr it reached (OIDC Core §5.5.1.1)', async () => {
      const user = await userWithToken(server);
      const b = await beginSignIn(server, app, { acr_values: PHISHING_RESISTANT });
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const p = await b.post('password', { password: PASSWORD });
      expect(p.body.redirectTo, JSON.stringify(p.body)).toBeTruthy();
      expect((await b.finish(p.body.redirectTo)).claims()!.acr).toBe('0');
    });

    it('an essential acr an SSO session already meets: no step asked, the ID token names the requested value', async () => {
      const { jar } = await passkeySignIn(server, app); // the session's acr: phishing-resistant
      const b = await beginSignIn(server, app, essential(MFA), 'get', jar);
      const s = await b.post('start');
      expect(s.status, JSON.stringify(s.body)).toBe(200);
      expect(s.body.redirectTo, JSON.stringify(s.body)).toBeTruthy();
      expect((await b.finish(s.body.redirectTo)).claims()!.acr).toBe(MFA);
    });

    it('"Return to the app" from a sign-in that has not ended is refused and changes nothing; a Conditional Access block gives access_denied', async () => {
      const user = await userWithToken(server);
      const blocked = await registerApp(server);
      await caPolicy(server, { name: 'No shop floor access', userId: user.id, appId: blocked.appId, block: true });
      const b = await beginSignIn(server, blocked);
      await b.post('start');
      const early = await b.post('return');
      expect(early.status).toBe(400);
      expect(early.body.error.details.reason).toBe('wrongStep');
      expect((await b.post('identify', { username: user.upn })).body.state).toBe('chooseMethod'); // the flow went on as before
      const p = await b.post('password', { password: PASSWORD });
      expect(p.status, JSON.stringify(p.body)).toBe(403);
      expect(p.body.error.details.reason).toBe('accessBlocked');
      const back = await b.post('return');
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      const landed = await b.land(back.body.redirectTo);
      expect(landed.href.startsWith(blocked.redirectUri)).toBe(true);
      expect(landed.searchParams.get('error')).toBe('access_denied');
      expect(landed.searchParams.get('error_description')).toContain('No shop floor access');
      expect(landed.searchParams.get('state')).toBe(b.state);
      // The interaction is over: a second "return" finds nothing to finish.
      expect((await b.post('return')).status).toBeGreaterThanOrEqual(400);
    });
  });
}
