import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';
import { AAGUID, FIDO2_TYPE, ctx, newUser, reasonOf, register, setFido2, signIn, softAuthenticator } from './support.ts';

/**
 * The sign-in keeps the method configurations per policy version (methods/passkey/policy-for-user.ts):
 * a change must apply to the very next sign-in — also when another node (another connection pool
 * on the same database) made it, which only the version counter read with the assertion can tell.
 */
describeEachStore('passkey sign-in policy per version', (store) => {
  it('a policy change by another node applies to the very next sign-in, and so does undoing it', async () => {
    await setFido2(store(), { isAttestationEnforced: false, keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] } });
    const userId = await newUser(store());
    const auth = softAuthenticator();
    await register(store(), auth, userId);
    expect((await signIn(store(), auth, userId)).result.userId).toBe(userId); // configurations now cached
    expect((await signIn(store(), auth, null)).result.userId).toBe(userId);

    // PostgreSQL: a second pool on the same database stands for another node. PGlite has one connection: the same store.
    const url = (store() as Store & { url?: string }).url;
    const other = url ? await openStore({ databaseUrl: url, dataDir: '/nonexistent', poolMax: 1 }) : null;
    const otherDb = other?.db ?? store().db;
    const setOther = (keyRestrictions: Record<string, unknown>) => updateMethodConfiguration(otherDb, ctx, 'Fido2', { '@odata.type': FIDO2_TYPE, state: 'enabled', keyRestrictions });
    try {
      await setOther({ isEnforced: true, enforcementType: 'block', aaGuids: [AAGUID] });
      expect(await reasonOf(signIn(store(), auth, userId))).toBe('aaguidBlocked');
      expect(await reasonOf(signIn(store(), auth, null))).toBe('aaguidBlocked');
      await setOther({ isEnforced: false, enforcementType: 'block', aaGuids: [] });
      expect((await signIn(store(), auth, userId)).result.userId).toBe(userId);
      await updateMethodConfiguration(otherDb, ctx, 'Fido2', { '@odata.type': FIDO2_TYPE, state: 'disabled' });
      expect(await reasonOf(signIn(store(), auth, userId))).toBe('methodNotEnabled');
    } finally {
      await setOther({ isEnforced: false, enforcementType: 'block', aaGuids: [] });
      await other?.close();
    }
    expect((await signIn(store(), auth, userId)).result.userId).toBe(userId);
  });
});
