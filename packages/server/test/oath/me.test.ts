import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { loadSigningKeys } from '../../src/oidc/keys.ts';
import { adminApiAudience, signAccessToken, type AccessTokenClaims } from '../../src/oidc/access-token.ts';
import { FIRST_PARTY_CLIENTS } from '../../src/signin/first-party.ts';
import { ME_SCOPE } from '../../src/signin/token-claims.ts';
import { verifyOathCode } from '../../src/methods/oath/verifyOathCode.ts';
import { newSecret, otpauthCode } from './support.ts';

const DEVICES = '/api/v1/directory/authenticationMethodDevices/hardwareOathDevices';

for (const kind of STORE_KINDS) {
  describe(`My Security Info: OATH [${kind}]`, () => {
    let server: TestServer;
    let user: { id: string; upn: string };

    /** A My Security Info token as the sign-in flow would issue it (signed with the server's key). */
    const meToken = async (o: { authTime?: number; amr?: string[] } = {}) => {
      const key = (await loadSigningKeys(server.runtime.store.db, server.runtime.envelope)).signing.get('ES256')!;
      const appId = FIRST_PARTY_CLIENTS.my.clientId;
      const claims = {
        sub: user.id,
        oid: user.id,
        idtyp: 'user',
        azp: appId,
        appid: appId,
        wids: [],
        upn: user.upn,
        scp: ME_SCOPE,
        auth_time: o.authTime ?? Math.floor(Date.now() / 1000),
        amr: o.amr ?? ['pwd'],
      } as AccessTokenClaims;
      return (
        await signAccessToken(key, claims, {
          issuer: server.config.issuer,
          audience: adminApiAudience(server.config.issuer),
          ttlSeconds: 300,
        })
      ).accessToken;
    };

    beforeAll(async () => {
      server = await startTestServer(kind);
      user = { upn: `me-oath-${kind}@latchkey.test`, id: '' };
      const created = await server.api('/api/v1/users', { body: { userPrincipalName: user.upn, displayName: 'Me Oath' } });
      user.id = created.body.id;
      await server.token(); // makes sure signing keys exist
    });
    afterAll(async () => server?.close());

    it('registers an authenticator app: seed and QR shown once, activation by code, then it proves sign-in', async () => {
      const token = await meToken();
      const started = await server.api('/api/v1/me/authentication/softwareOathMethods', { token, body: {} });
      expect(started.status).toBe(201);
      expect(started.headers.get('cache-control')).toBe('no-store');
      const { method, secretKey, otpauthUri, qrCodeSvg } = started.body;
      expect(secretKey).toMatch(/^[A-Z2-7]{32}$/);
      expect(otpauthUri).toContain(`secret=${secretKey}`);
      expect(qrCodeSvg).toMatch(/^<svg/);
      const listed = await server.api('/api/v1/me/authentication/softwareOathMethods', { token });
      expect(listed.body.value).toEqual([expect.objectContaining({ id: method.id, status: 'pending', secretKey: null })]);
      expect(JSON.stringify(listed.body)).not.toContain(secretKey);

      const wrong = await server.api(`/api/v1/me/authentication/softwareOathMethods/${method.id}/activate`, {
        token,
        body: { verificationCode: otpauthCode(secretKey, Date.now() + 3_600_000) },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details.reason).toBe('OathCodeIncorrect');
      const code = otpauthCode(secretKey, Date.now());
      expect(
        (
          await server.api(`/api/v1/me/authentication/softwareOathMethods/${method.id}/activate`, {
            token,
            body: { verificationCode: code },
          })
        ).status,
      ).toBe(204);
      expect(await verifyOathCode({ db: server.runtime.store.db, envelope: server.runtime.envelope, userId: user.id, code })).toEqual({
        ok: false,
        reason: 'OathCodeDuplicate',
      });
      expect((await server.api(`/api/v1/users/${user.id}/authentication/softwareOathMethods/${method.id}`)).body).toMatchObject({
        status: 'activated',
        secretKey: null,
      });

      // Now the user has an MFA method: deleting it needs a fresh MFA sign-in.
      const pwdOnly = await server.api(`/api/v1/me/authentication/softwareOathMethods/${method.id}`, { token, method: 'DELETE' });
      expect(pwdOnly.status).toBe(403);
      expect(pwdOnly.body.error.details.reason).toBe('strongerSignInRequired');
      expect(
        (
          await server.api(`/api/v1/me/authentication/softwareOathMethods/${method.id}`, {
            token: await meToken({ amr: ['pwd', 'otp', 'mfa'] }),
            method: 'DELETE',
          })
        ).status,
      ).toBe(204);
    });

    it('activates a hardware token assigned to me by serial number; someone else’s serial is a 404; stale sign-ins are refused', async () => {
      const secret = newSecret();
      const d = await server.api(DEVICES, { body: { serialNumber: `ME-${kind}`, secretKey: secret, assignTo: { id: user.id } } });
      expect(d.status).toBe(201);
      const other = await server.api(DEVICES, { body: { serialNumber: `OTHER-${kind}`, secretKey: newSecret() } });
      const token = await meToken();
      expect(
        (
          await server.api('/api/v1/me/authentication/hardwareOathMethods/activate', {
            token: await meToken({ authTime: Math.floor(Date.now() / 1000) - 3600 }),
            body: { serialNumber: `ME-${kind}`, verificationCode: otpauthCode(secret, Date.now()) },
          })
        ).body.error.details.reason,
      ).toBe('signInTooOld');
      expect(
        (
          await server.api('/api/v1/me/authentication/hardwareOathMethods/activate', {
            token,
            body: { serialNumber: `OTHER-${kind}`, verificationCode: '123456' },
          })
        ).status,
      ).toBe(404);
      expect(other.body.status).toBe('available');
      expect(
        (
          await server.api('/api/v1/me/authentication/hardwareOathMethods/activate', {
            token,
            body: { serialNumber: `ME-${kind}`, verificationCode: otpauthCode(secret, Date.now()), displayName: 'Desk token' },
          })
        ).status,
      ).toBe(204);
      const mine = await server.api('/api/v1/me/authentication/hardwareOathMethods', { token });
      expect(mine.body.value).toEqual([
        expect.objectContaining({
          id: d.body.id,
          displayName: 'Desk token',
          device: expect.objectContaining({ status: 'activated', secretKey: null }),
        }),
      ]);
      // Resync with two consecutive codes from 20 steps ahead.
      const later = Date.now() + 20 * 30_000;
      const rs = await server.api(`/api/v1/me/authentication/hardwareOathMethods/${d.body.id}/resync`, {
        token,
        body: { code1: otpauthCode(secret, later), code2: otpauthCode(secret, later + 30_000) },
      });
      expect(rs.status).toBe(200);
      expect(rs.body.drift).toBeGreaterThanOrEqual(20);
    });

    it('needs a user token: none → 401, an app-less admin token without the scope → 403', async () => {
      expect((await server.api('/api/v1/me/authentication/softwareOathMethods', { token: null })).status).toBe(401);
      const noScope = await server.token({ userPrincipalName: user.upn, roles: [], scopes: ['User.Read.All'] });
      expect((await server.api('/api/v1/me/authentication/softwareOathMethods', { token: noScope, body: {} })).status).toBe(403);
    });
  });
}
