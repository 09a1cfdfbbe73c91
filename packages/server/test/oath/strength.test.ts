import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { ctx, envelope, makeUser, newSecret, otpauthCode } from './support.ts';
import { createDevice } from '../../src/methods/oath/devices.ts';
import { activateToken } from '../../src/methods/oath/activateToken.ts';
import { enrollSoftwareToken } from '../../src/methods/oath/enrollSoftwareToken.ts';
import { verifyOathCode } from '../../src/methods/oath/verifyOathCode.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { authenticateWithPassword } from '../../src/methods/password/authenticateWithPassword.ts';
import { satisfies } from '../../src/policy/strengths/satisfies.ts';
import { builtInStrength } from '../../src/policy/strengths/builtins.ts';
import { BUILT_IN_STRENGTH } from '../../src/policy/strengths/modes.ts';

/**
 * Issue 5 "sign-in with password + hardware token satisfies password,hardwareOath (and the MFA
 * built-in); it does not satisfy phishing-resistant" — at the domain level: the real password
 * check and the real OATH check on a real database, their methods fed to the strength evaluator
 * of issue 4. (The sign-in flow's own second-factor step, `signin/oath-step.ts`, is tested in
 * test/signin/enforcement.test.ts; see docs/signin.md.)
 */
describeEachStore('OATH methods against authentication strengths', (store) => {
  it('password + hardware token satisfies password,hardwareOath and MFA, not passwordless or phishing-resistant; an authenticator app proves softwareOath', async () => {
    const db = store().db;
    const user = await makeUser(store());
    await setPassword(db, ctx, user.id, 'correct horse battery staple 42');
    const secret = newSecret();
    const device = await createDevice({ db, envelope }, ctx, { serialNumber: `STR-${user.id}`, secretKey: secret, assignTo: user.id });
    const t0 = Date.now();
    await activateToken({ db, envelope }, ctx, {
      tokenId: device.id,
      kind: 'hardware',
      verificationCode: otpauthCode(secret, t0 - 30_000),
      now: new Date(t0 - 30_000),
    });

    expect((await authenticateWithPassword(db, user.id, 'correct horse battery staple 42')).verified).toBe(true);
    const otp = await verifyOathCode({ db, envelope, userId: user.id, code: otpauthCode(secret, t0), now: new Date(t0) });
    expect(otp).toMatchObject({ ok: true, method: 'hardwareOath' });
    if (!otp.ok) return;
    const performed = [{ mode: 'password' }, { mode: otp.method }];

    expect(satisfies({ allowedCombinations: ['password,hardwareOath'], combinationConfigurations: [] }, performed)).toEqual({
      satisfied: true,
      combination: 'password,hardwareOath',
    });
    expect(satisfies(builtInStrength(BUILT_IN_STRENGTH.mfa)!, performed).satisfied).toBe(true);
    expect(satisfies(builtInStrength(BUILT_IN_STRENGTH.passwordlessMfa)!, performed).satisfied).toBe(false);
    expect(satisfies(builtInStrength(BUILT_IN_STRENGTH.phishingResistantMfa)!, performed).satisfied).toBe(false);
    // The token alone is one factor: not MFA.
    expect(satisfies(builtInStrength(BUILT_IN_STRENGTH.mfa)!, [{ mode: otp.method }]).satisfied).toBe(false);

    const app = await enrollSoftwareToken({ db, envelope }, ctx, { userKey: user.id, issuer: 'Latchkey' });
    await activateToken({ db, envelope }, ctx, {
      tokenId: app.method.id,
      userKey: user.id,
      kind: 'software',
      verificationCode: otpauthCode(app.secretKey, t0),
      now: new Date(t0),
    });
    const sw = await verifyOathCode({
      db,
      envelope,
      userId: user.id,
      code: otpauthCode(app.secretKey, t0 + 30_000),
      now: new Date(t0 + 30_000),
    });
    expect(sw).toMatchObject({ ok: true, method: 'softwareOath', methodId: app.method.id });
    expect(
      satisfies({ allowedCombinations: ['password,hardwareOath'], combinationConfigurations: [] }, [
        { mode: 'password' },
        { mode: 'softwareOath' },
      ]).satisfied,
    ).toBe(false);
  });
});
