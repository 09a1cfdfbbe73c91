import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { createAuthenticator } from '@latchkey/authenticator';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, registerApp } from '../signin/support.ts';
import { adminApiAudience } from '../../src/oidc/access-token.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { issueTemporaryAccessPass } from '../../src/methods/tap/issue.ts';
import { tapAllowsMethodChange, tapSessionOf } from '../../src/methods/tap/sessions.ts';
import { STRENGTH } from '../../src/signin/amr.ts';
import { ctx, newUser, setTapPolicy } from './support.ts';

const MFA = STRENGTH.mfa;

for (const kind of STORE_KINDS) {
  describe(`sign-in with a Temporary Access Pass over HTTP [${kind}]`, () => {
    let server: TestServer;
    let db: TestServer['runtime']['store']['db'];
    let rp: Awaited<ReturnType<typeof registerApp>>;
    beforeAll(async () => {
      server = await startTestServer(kind);
      db = server.runtime.store.db;
      await enableFido2(server);
      await setTapPolicy(db);
      rp = await registerApp(server);
    });
    afterAll(async () => server?.close());

    /** Starts a sign-in and enters the name. */
    const identified = async (upn: string) => {
      // The app asks for the admin API (RFC 8707 `resource`), so its access token is a JWT whose sign-in facts can be read.
      const b = await beginSignIn(server, rp, { resource: adminApiAudience(server.config.issuer) });
      await b.post('start');
      const id = await b.post('identify', { username: upn });
      expect(id.status).toBe(200);
      return { b, methods: id.body.methods as string[] };
    };

    it('offers the TAP prompt only to a user with a usable pass; a multi-use TAP signs in with amr mfa+otp and the MFA strength', async () => {
      const user = await newUser(db);
      expect((await identified(user.upn)).methods).toEqual(['passkey', 'password']);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, { isUsableOnce: false });
      const { b, methods } = await identified(user.upn);
      expect(methods).toEqual(['passkey', 'password', 'tap']);
      const v = await b.post('tap', { pass: tap.temporaryAccessPass });
      expect(v.status).toBe(200);
      expect(v.body.state).toBe('complete');
      const tokens = await b.finish(v.body.redirectTo);
      const claims = tokens.claims()!;
      expect(claims.sub).toBe(user.id);
      expect(claims.amr).toEqual(['mfa', 'otp']);
      expect(claims.acr).toBe(MFA);
      expect(decodeJwt(tokens.access_token)).toMatchObject({ oid: user.id, amr: ['mfa', 'otp'] });
      // The sign-in is remembered with the pass's end.
      const s = await tapSessionOf(db, user.id, Number(claims.auth_time));
      expect(s).toMatchObject({ kind: 'live', registrationDeadline: null });
      expect(s.kind === 'live' && s.endsAt.toISOString()).toBe(
        new Date(new Date(tap.startDateTime).getTime() + tap.lifetimeInMinutes * 60_000).toISOString(),
      );
    });

    it('a wrong pass is refused (tapRefused/wrongPass) and counted; the flow stays usable', async () => {
      const user = await newUser(db);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, {});
      const { b } = await identified(user.upn);
      const wrong = await b.post('tap', { pass: 'NOTTHEPASS' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details).toMatchObject({ reason: 'tapRefused', tapReason: 'wrongPass' });
      expect((await b.post('tap', { pass: tap.temporaryAccessPass })).body.state).toBe('complete');
      expect((await b.post('tap', { pass: '' })).status).toBe(400);
    });

    it('one-time TAP: the sign-in stops to register a passkey (10-minute window), then completes; the pass never works again', async () => {
      const user = await newUser(db);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, { isUsableOnce: true });
      const { b } = await identified(user.upn);
      const v = await b.post('tap', { pass: tap.temporaryAccessPass });
      expect(v.status).toBe(200);
      expect(v.body).toMatchObject({ state: 'registrationRequired', registration: { kind: 'required', reason: 'oneTimeTap' } });
      expect(v.body.redirectTo).toBeUndefined();
      const o = await b.post('register/options');
      expect(o.status).toBe(200);
      const auth = createAuthenticator({ aaguid: '6c1d9a3e-5b7f-4e21-8d90-a1b2c3d4e5f6' });
      const opts = o.body.options;
      const response = auth.makeCredential({
        rpId: opts.rp.id,
        origin: server.config.publicUrl.origin,
        challenge: opts.challenge,
        user: opts.user,
        residentKey: true,
      });
      const done = await b.post('register/verify', { response });
      expect(done.status).toBe(200);
      expect(done.body.state).toBe('complete');
      const tokens = await b.finish(done.body.redirectTo);
      expect(tokens.claims()!.sub).toBe(user.id);
      expect(await db.selectFrom('passkey_credentials').select('id').where('user_id', '=', user.id).execute()).toHaveLength(1);
      // The one-time window lets My Security Info accept the TAP sign-in as the fresh strong sign-in.
      expect(await tapAllowsMethodChange(db, user.id, Number(tokens.claims()!.auth_time))).toBe(true);
      // Used: not offered, and refused when posted anyway.
      const again = await identified(user.upn);
      expect(again.methods).not.toContain('tap');
      const refused = await again.b.post('tap', { pass: tap.temporaryAccessPass });
      expect(refused.status).toBe(400);
      // And the new passkey signs in.
      const po = await again.b.post('passkey/options');
      const assertion = auth.getAssertion({
        rpId: po.body.options.rpId,
        origin: server.config.publicUrl.origin,
        challenge: po.body.options.challenge,
        allowCredentials: po.body.options.allowCredentials,
      });
      expect((await again.b.post('passkey/verify', { response: assertion })).body.state).toBe('complete');
    });

    it('registration outside a registration state is refused', async () => {
      const user = await newUser(db);
      const { b } = await identified(user.upn);
      const r = await b.post('register/options');
      expect(r.status).toBe(400);
      expect(r.body.error.details.reason).toBe('wrongStep');
    });

    it('TAP tokens end with the TAP: deleting the pass before the code is redeemed makes the exchange fail; the session is "ended"', async () => {
      const user = await newUser(db);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, {});
      const { b } = await identified(user.upn);
      const v = await b.post('tap', { pass: tap.temporaryAccessPass });
      expect(v.body.state).toBe('complete');
      const del = await server.api(`/api/v1/users/${user.id}/authentication/temporaryAccessPassMethods/${tap.id}`, { method: 'DELETE' });
      expect(del.status).toBe(204);
      await expect(b.finish(v.body.redirectTo)).rejects.toThrow();
      const row = await db.selectFrom('tap_sign_ins').select(['auth_time']).where('user_id', '=', user.id).executeTakeFirstOrThrow();
      expect((await tapSessionOf(db, user.id, Number(row.auth_time))).kind).toBe('ended');
      await expect(tapAllowsMethodChange(db, user.id, Number(row.auth_time))).rejects.toMatchObject({ status: 401 });
    });

    it('a refresh token from a TAP sign-in is refused once the TAP has ended (My Security Info client, offline_access)', async () => {
      const user = await newUser(db);
      const tap = await issueTemporaryAccessPass(db, ctx, user.id, {});
      const origin = server.config.publicUrl.origin;
      const config = await oidc.discovery(new URL(server.config.issuer), 'latchkey-my', undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      const my = { appId: 'latchkey-my', config, redirectUri: `${origin}/my/callback` };
      const b = await beginSignIn(server, my as never, { scope: 'openid profile offline_access', prompt: 'consent' });
      await b.post('start');
      await b.post('identify', { username: user.upn });
      const v = await b.post('tap', { pass: tap.temporaryAccessPass });
      expect(v.body.state).toBe('complete');
      const tokens = await b.finish(v.body.redirectTo);
      expect(tokens.refresh_token).toBeTruthy();
      const again = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(again.access_token).toBeTruthy();
      // The pass ends (deleted here; expiry takes the same path): the refresh token stops working.
      expect(
        (await server.api(`/api/v1/users/${user.id}/authentication/temporaryAccessPassMethods/${tap.id}`, { method: 'DELETE' })).status,
      ).toBe(204);
      await expect(oidc.refreshTokenGrant(config, again.refresh_token ?? tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('registration campaign: a password user without a passkey is nudged, "Not now" counts down, after 3 it is required', async () => {
      const patch = await server.api('/api/v1/policies/authenticationMethodsPolicy', {
        method: 'PATCH',
        body: {
          registrationEnforcement: {
            authenticationMethodsRegistrationCampaign: {
              state: 'enabled',
              snoozeDurationInDays: 0,
              enforceRegistrationAfterAllowedSnoozes: true,
              includeTargets: [{ id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'fido2' }],
            },
          },
        },
      });
      expect(patch.status).toBeLessThan(300);
      try {
        const user = await newUser(db);
        await setPassword(db, ctx, user.id, 'Correct-Horse-42!');
        for (const left of [3, 2, 1]) {
          const { b } = await identified(user.upn);
          const v = await b.post('password', { password: 'Correct-Horse-42!' });
          expect(v.status).toBe(200);
          expect(v.body.state).toBe('registrationCampaign');
          const s = await b.post('register/status');
          expect(s.body.registration).toEqual({ kind: 'campaign', snoozesLeft: left });
          const snoozed = await b.post('register/snooze');
          expect(snoozed.body.state).toBe('complete');
          expect(snoozed.body.redirectTo).toBeTruthy();
        }
        const { b } = await identified(user.upn);
        const v = await b.post('password', { password: 'Correct-Horse-42!' });
        expect(v.body.state).toBe('registrationRequired');
        expect((await b.post('register/status')).body.registration).toMatchObject({ kind: 'required', reason: 'campaignSnoozesUsed' });
        expect((await b.post('register/snooze')).status).toBe(400);
        const snoozes = await db
          .selectFrom('registration_campaign_snoozes')
          .select('snooze_count')
          .where('user_id', '=', user.id)
          .executeTakeFirstOrThrow();
        expect(Number(snoozes.snooze_count)).toBe(3);
      } finally {
        await server.api('/api/v1/policies/authenticationMethodsPolicy', {
          method: 'PATCH',
          body: { registrationEnforcement: { authenticationMethodsRegistrationCampaign: { state: 'default' } } },
        });
      }
    });
  });
}
