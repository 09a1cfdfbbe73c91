import { beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../../support/stores.ts';
import { adminContext, assignRole, insertUser, givePassword } from '../fixtures.ts';
import { updateMethodConfiguration } from '../../../src/policy/authentication-methods/update.ts';
import { revertMethodConfiguration } from '../../../src/policy/authentication-methods/revert.ts';
import { loadConfiguration } from '../../../src/policy/authentication-methods/repository.ts';
import { ODATA_TYPE } from '../../../src/policy/authentication-methods/types.ts';
import { GA } from '../conditional-access/helpers.ts';
import { createConditionalAccessPolicy } from '../../../src/policy/conditional-access/policies.ts';

/**
 * Issue 4 item 8 for the authentication methods policy: under a policy that requires MFA of
 * Global Administrators, turning off authenticator apps — the admin's only second factor — is
 * refused unless confirmed.
 */
describeEachStore('lockout guard on the authentication methods policy', (store) => {
  const db = () => store().db;
  const ctx = adminContext();
  let admin: string;
  const auditCount = async () => (await db().selectFrom('audit_log').select('seq').where('activity_display_name', '=', 'Update authentication methods policy').execute()).length;

  beforeAll(async () => {
    admin = await insertUser(db(), 'password-and-app-admin@example.test');
    await assignRole(db(), admin, GA);
    await givePassword(db(), admin);
    await db()
      .insertInto('oath_tokens')
      .values({ id: crypto.randomUUID(), kind: 'software', secret_sealed: 'not-opened-here', status: 'activated', user_id: admin })
      .execute();
    await updateMethodConfiguration(db(), ctx, 'SoftwareOath', { '@odata.type': ODATA_TYPE.SoftwareOath, state: 'enabled' });
    await createConditionalAccessPolicy(
      db(),
      ctx,
      {
        displayName: 'MFA for administrators',
        state: 'enabled',
        conditions: { users: { includeRoles: [GA] }, applications: { includeApplications: ['All'] } },
        grantControls: { operator: 'OR', builtInControls: ['mfa'] },
      },
      false, // password + authenticator app satisfy it: no lockout, no confirmation needed
    );
  });

  it("refuses to turn off authenticator apps, the admin's only second factor: 409 LockoutRisk, nothing written", async () => {
    const before = await loadConfiguration(db(), 'SoftwareOath');
    const audits = await auditCount();
    type Refusal = { status: number; message: string; details: { code: string; globalAdministrators: Array<{ id: string }>; lockedOutAfter: number; lockedOutBefore: number } };
    const err = (await updateMethodConfiguration(db(), ctx, 'SoftwareOath', { '@odata.type': ODATA_TYPE.SoftwareOath, state: 'disabled' }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Refusal;
    expect(err).toMatchObject({ status: 409, details: { code: 'LockoutRisk' } });
    expect(err.details.globalAdministrators.map((g) => g.id)).toEqual([admin]);
    expect(err.details.lockedOutAfter).toBeGreaterThan(err.details.lockedOutBefore);
    expect(err.message).toMatch(/password-and-app-admin@example.test/);
    expect(await loadConfiguration(db(), 'SoftwareOath')).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it('a change that locks nobody out needs no confirmation (enabling another method)', async () => {
    const r = await updateMethodConfiguration(db(), ctx, 'HardwareOath', { '@odata.type': ODATA_TYPE.HardwareOath, state: 'enabled' });
    expect(r.changed).toBe(true);
  });

  it("reverting to Entra's default (authenticator apps off) is guarded the same way; a confirmed change is applied and audited", async () => {
    await expect(revertMethodConfiguration(db(), ctx, 'SoftwareOath')).rejects.toMatchObject({ status: 409, details: { code: 'LockoutRisk' } });
    const audits = await auditCount();
    const r = await updateMethodConfiguration(db(), ctx, 'SoftwareOath', { '@odata.type': ODATA_TYPE.SoftwareOath, state: 'disabled' }, { confirmLockout: true });
    expect(r).toMatchObject({ changed: true, configuration: { state: 'disabled' } });
    expect(await auditCount()).toBe(audits + 1);
    const entry = await db().selectFrom('audit_log').select('additional_details').where('activity_display_name', '=', 'Update authentication methods policy').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(entry.additional_details)).toContain('lockoutConfirmed');
    // Turning it back on gives the admin their second factor again: no confirmation needed.
    expect((await updateMethodConfiguration(db(), ctx, 'SoftwareOath', { '@odata.type': ODATA_TYPE.SoftwareOath, state: 'enabled' })).changed).toBe(true);
  });
});
