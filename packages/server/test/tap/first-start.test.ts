import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { ensureFirstAdmin } from '../../src/bootstrap.ts';
import { passwordlessFirstStart } from '../../src/methods/tap/first-start.ts';
import { loadConfigurations } from '../../src/policy/authentication-methods/repository.ts';
import { redeemTemporaryAccessPass } from '../../src/methods/tap/redeem.ts';
import { listTemporaryAccessPasses } from '../../src/methods/tap/list.ts';
import { AAGUID, ctx } from '../signin/support.ts';
import { createAuthenticator } from '@latchkey/authenticator';
import { generateRegistrationOptions } from '../../src/methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../src/methods/passkey/verifyRegistration.ts';

describeEachStore('passwordless first start', (store) => {
  it('enables Fido2 and TemporaryAccessPass (audited as the system) and issues a one-time TAP while nobody has a passkey', async () => {
    const db = store().db;
    const admin = await ensureFirstAdmin(db, 'first@latchkey.test');
    expect(admin.created).toBe(true);
    const first = await passwordlessFirstStart(db, admin);
    expect(first).toMatchObject({ userPrincipalName: 'first@latchkey.test' });
    expect(first!.temporaryAccessPass).toMatch(/^[A-Za-z0-9]{8}$/);
    const configs = Object.fromEntries((await loadConfigurations(db)).map((c) => [c.id, c]));
    expect(configs.Fido2).toMatchObject({ state: 'enabled', isAttestationEnforced: false, isSelfServiceRegistrationAllowed: true });
    expect(configs.TemporaryAccessPass).toMatchObject({ state: 'enabled' });
    const audits = await db
      .selectFrom('audit_log')
      .select(['activity_display_name', 'initiated_by'])
      .where('activity_display_name', 'in', ['Update authentication methods policy', 'Add Temporary Access Pass'])
      .execute();
    expect(audits.map((a) => a.activity_display_name).sort()).toEqual([
      'Add Temporary Access Pass',
      'Update authentication methods policy',
      'Update authentication methods policy',
    ]);
    expect(JSON.stringify(audits.map((a) => a.initiated_by))).not.toContain('"user"');
    expect((await listTemporaryAccessPasses(db, admin.userId))[0]).toMatchObject({ isUsableOnce: true, isUsable: true });

    // A restart before onboarding replaces the pass (the old one no longer works).
    const again = await passwordlessFirstStart(db, { ...admin, created: false });
    expect(again!.temporaryAccessPass).not.toBe(first!.temporaryAccessPass);
    expect(await redeemTemporaryAccessPass(db, admin.userId, first!.temporaryAccessPass)).toMatchObject({ ok: false });
    expect(await redeemTemporaryAccessPass(db, admin.userId, again!.temporaryAccessPass)).toMatchObject({ ok: true, isUsableOnce: true });

    // Once somebody has a passkey, nothing is printed any more.
    const rp = { id: 'localhost', name: 'Latchkey', origins: ['http://localhost:8080'] };
    const deps = { db, rp } as never;
    const options = await generateRegistrationOptions(deps, { userId: admin.userId, mode: 'administrator' });
    const response = createAuthenticator({ aaguid: AAGUID }).makeCredential({
      rpId: 'localhost',
      origin: 'http://localhost:8080',
      challenge: options.challenge,
      user: options.user,
      residentKey: true,
    });
    await verifyRegistration(deps, ctx, { response: response as never });
    expect(await passwordlessFirstStart(db, { ...admin, created: false })).toBeUndefined();
  });
});
