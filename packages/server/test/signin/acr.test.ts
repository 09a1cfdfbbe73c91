import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { chooseAcr } from '../../src/signin/acr.ts';
import { beginSignIn, registerApp } from './support.ts';
import { caPolicy, MFA, PASSWORD, PHISHING_RESISTANT, passwordHardwareOathStrength, userWithToken } from './enforcement-support.ts';

const CUSTOM = 'aaaaaaaa-0000-4000-8000-000000000001';
const OTHER_CUSTOM = 'aaaaaaaa-0000-4000-8000-000000000002';

describe('chooseAcr (ADR 0010): a custom strength is the acr only when it alone was required', () => {
  it.each([
    ['nothing required → built-in', [], MFA],
    ['one custom, satisfied → its id', [{ id: CUSTOM, custom: true, satisfied: true }], CUSTOM],
    ['the same custom twice (two policies) → its id', [{ id: CUSTOM, custom: true, satisfied: true }, { id: CUSTOM.toUpperCase(), custom: true, satisfied: true }], CUSTOM],
    ['one custom, not satisfied (an OR policy passed another way) → built-in', [{ id: CUSTOM, custom: true, satisfied: false }], MFA],
    ['one built-in → built-in', [{ id: PHISHING_RESISTANT, custom: false, satisfied: true }], MFA],
    ['two customs → built-in', [{ id: CUSTOM, custom: true, satisfied: true }, { id: OTHER_CUSTOM, custom: true, satisfied: true }], MFA],
    ['a custom and a built-in → built-in', [{ id: CUSTOM, custom: true, satisfied: true }, { id: MFA, custom: false, satisfied: true }], MFA],
  ] as const)('%s', (_name, required, expected) => {
    expect(chooseAcr(MFA, required)).toBe(expected);
  });
});

/** The ID token's `acr` after a real sign-in through the sign-in endpoints and the OIDC provider. */
for (const kind of STORE_KINDS) {
  describe(`acr of custom authentication strengths [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    /** Password, then the hardware token's code if asked; the ID token's claims. */
    async function signIn(user: Awaited<ReturnType<typeof userWithToken>>, app: Awaited<ReturnType<typeof registerApp>>) {
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      let r = await b.post('password', { password: PASSWORD });
      if (r.body.state === 'chooseSecondFactor') r = await b.post('oath', { code: user.code() });
      expect(r.body.redirectTo, JSON.stringify(r.body)).toBeTruthy();
      return (await b.finish(r.body.redirectTo)).claims()!;
    }

    it('a policy requiring a custom strength that the sign-in satisfies: acr is that strength id (not the MFA built-in)', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      const strength = await passwordHardwareOathStrength(server);
      await caPolicy(server, { name: 'Shop floor tokens', userId: user.id, appId: app.appId, strength });
      const claims = await signIn(user, app);
      expect(claims.acr).toBe(strength);
      expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
      // Discovery still lists the built-in values only; the custom id is an extra value an app learns from its policy.
      const discovery = (await (await fetch(`${server.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)).json()) as { acr_values_supported: string[] };
      expect(discovery.acr_values_supported).toContain(MFA);
      expect(discovery.acr_values_supported).not.toContain(strength);
    });

    it('the custom strength of another app does not change this app\'s acr', async () => {
      const user = await userWithToken(server);
      const [app, elsewhere] = [await registerApp(server), await registerApp(server)];
      await caPolicy(server, { name: 'Elsewhere tokens', userId: user.id, appId: elsewhere.appId, strength: await passwordHardwareOathStrength(server) });
      await caPolicy(server, { name: 'This app MFA', userId: user.id, appId: app.appId, strength: MFA });
      expect((await signIn(user, app)).acr).toBe(MFA);
    });

    it('two strengths required (a custom one and the MFA built-in): acr is the built-in the session satisfies', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      await caPolicy(server, { name: 'Tokens on the floor', userId: user.id, appId: app.appId, strength: await passwordHardwareOathStrength(server) });
      await caPolicy(server, { name: 'MFA everywhere', userId: user.id, appId: app.appId, strength: MFA });
      expect((await signIn(user, app)).acr).toBe(MFA);
    });

    it('a report-only policy with a custom strength does not name the acr', async () => {
      const user = await userWithToken(server);
      const app = await registerApp(server);
      await caPolicy(server, { name: 'Tokens, report only', userId: user.id, appId: app.appId, state: 'enabledForReportingButNotEnforced', strength: await passwordHardwareOathStrength(server) });
      const claims = await signIn(user, app);
      expect(claims.acr).toBe('0');
      expect(claims.amr).toEqual(['pwd']);
    });
  });
}
