import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';
import { ODATA_TYPE } from '../../src/policy/authentication-methods/types.ts';
import { beginSignIn, ctx, enableFido2, newUser, registerApp } from './support.ts';
import { PHISHING_RESISTANT } from './enforcement-support.ts';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const CA = '/api/v1/identity/conditionalAccess/policies';

/**
 * The onboarding catch-22 at the sign-in page (issue 4 items 7–8; entra-spec §2.5): a new
 * administrator with only a TAP, under a policy that needs phishing-resistant MFA on All
 * resources — which covers the registration action too. Registering a passkey would satisfy the
 * app, but Conditional Access refuses the registration itself, so the page must not invite them to
 * "Set up your passkey" (only to refuse the ceremony): it refuses the sign-in in plain words. With
 * an onboarding policy whose strength includes the TAP on the registration action, the same
 * sign-in is sent to register.
 */
for (const kind of STORE_KINDS) {
  describe(`the catch-22 at sign-in [${kind}]`, () => {
    let server: TestServer;
    let app: Awaited<ReturnType<typeof registerApp>>;
    beforeAll(async () => {
      server = await startTestServer(kind);
      app = await registerApp(server);
      await enableFido2(server);
      await updateMethodConfiguration(server.runtime.store.db, ctx, 'TemporaryAccessPass', { '@odata.type': ODATA_TYPE.TemporaryAccessPass, state: 'enabled', isUsableOnce: false });
    });
    afterAll(async () => server?.close());

    async function adminWithTap(): Promise<{ id: string; upn: string; pass: string }> {
      const user = await newUser(server);
      expect((await server.api('/api/v1/roleManagement/directory/roleAssignments', { body: { principalId: user.id, roleDefinitionId: GA, directoryScopeId: '/' } })).status).toBe(201);
      const tap = await server.api(`/api/v1/users/${user.id}/authentication/temporaryAccessPassMethods`, { body: { isUsableOnce: false } });
      expect(tap.status, JSON.stringify(tap.body)).toBe(201);
      return { ...user, pass: tap.body.temporaryAccessPass as string };
    }
    async function tapSignIn(user: { upn: string; pass: string }) {
      const b = await beginSignIn(server, app);
      await b.post('start');
      await b.post('identify', { username: user.upn });
      return b.post('tap', { pass: user.pass });
    }

    it('registration blocked by the same policy: the TAP sign-in is refused in plain words, not sent to a registration that would fail', async () => {
      const admin = await adminWithTap();
      const ca999 = await server.api(`${CA}?confirmLockout=true`, {
        body: {
          displayName: 'CA999 admins phishing-resistant',
          state: 'enabled',
          conditions: { clientAppTypes: ['all'], users: { includeUsers: [admin.id] }, applications: { includeApplications: ['All'] } },
          grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING_RESISTANT } },
        },
      });
      expect(ca999.status, JSON.stringify(ca999.body)).toBe(201);
      const r = await tapSignIn(admin);
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.error.details.reason).toBe('accessBlocked');
      expect(r.body.error.message).toContain('This app requires Phishing-resistant MFA');
      expect(r.body.error.message).toContain('Temporary Access Pass does not satisfy it');
      const rows = await server.runtime.store.db.selectFrom('signin_log').select(['error_code']).where('user_id', '=', admin.id).execute();
      expect(rows.map((x) => x.error_code)).toEqual([53003]);

      // The onboarding policy (a custom strength with the multi-use TAP on the registration action) opens the way to register.
      const strength = await server.api('/api/v1/identity/conditionalAccess/authenticationStrength/policies', { body: { displayName: `Bootstrap ${admin.id.slice(0, 6)}`, allowedCombinations: ['temporaryAccessPassMultiUse', 'fido2'] } });
      expect(strength.status).toBe(201);
      const onboarding = await server.api(CA, {
        body: {
          displayName: 'Onboarding registration',
          state: 'enabled',
          conditions: { clientAppTypes: ['all'], users: { includeUsers: [admin.id] }, applications: { includeUserActions: ['urn:user:registersecurityinfo'] } },
          grantControls: { operator: 'OR', authenticationStrength: { id: strength.body.id } },
        },
      });
      expect(onboarding.status, JSON.stringify(onboarding.body)).toBe(201);
      const again = await tapSignIn(admin);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ state: 'registrationRequired', registration: { kind: 'required', reason: 'conditionalAccess' } });
    });
  });
}
