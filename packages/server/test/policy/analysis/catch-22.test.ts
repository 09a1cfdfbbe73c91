import { beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../../support/stores.ts';
import { addMember, adminContext, assignRole, insertGroup, insertUser, givePassword } from '../fixtures.ts';
import { updateMethodConfiguration } from '../../../src/policy/authentication-methods/update.ts';
import { createConditionalAccessPolicy, deleteConditionalAccessPolicy } from '../../../src/policy/conditional-access/policies.ts';
import { createStrength, updateCustomStrength } from '../../../src/policy/strengths/strengths.ts';
import { analyzeLockout } from '../../../src/policy/analysis/analyze.ts';
import { ODATA_TYPE } from '../../../src/policy/authentication-methods/types.ts';
import { GA, PHISHING } from '../conditional-access/helpers.ts';

describeEachStore('lockout analysis: the onboarding catch-22', (store) => {
  const db = () => store().db;
  const ctx = adminContext();
  let admin: string;
  let plain: string;
  let onboarding: string;
  let ca999: string;

  beforeAll(async () => {
    await updateMethodConfiguration(db(), ctx, 'Fido2', { '@odata.type': ODATA_TYPE.Fido2, state: 'enabled' });
    admin = await insertUser(db(), 'new-admin@example.test');
    await assignRole(db(), admin, GA);
    await givePassword(db(), admin);
    plain = await insertUser(db(), 'plain@example.test');
    await givePassword(db(), plain);
    await db()
      .insertInto('applications')
      .values({
        id: crypto.randomUUID(),
        app_id: crypto.randomUUID(),
        display_name: 'Payroll',
        web_redirect_uris: '[]',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .execute();
  });

  it('refuses a policy that locks out a Global Administrator (409 LockoutRisk) and writes nothing', async () => {
    const body = {
      displayName: 'CA999 admins phishing-resistant',
      state: 'enabled' as const,
      conditions: { users: { includeRoles: [GA] }, applications: { includeApplications: ['All'] } },
      grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING } },
    };
    const err = await createConditionalAccessPolicy(db(), ctx, body, false).catch(
      (e: unknown) => e as { status: number; details: { code: string; globalAdministrators: Array<{ id: string; reasons: string[] }> } },
    );
    // Incremental: only users the changed policy includes are analysed (the admin, not the plain user).
    expect(err).toMatchObject({ status: 409, details: { code: 'LockoutRisk', affectedUsers: 1, lockedOutBefore: 0, lockedOutAfter: 1 } });
    expect((err as { details: { globalAdministrators: Array<{ id: string }> } }).details.globalAdministrators.map((g) => g.id)).toContain(
      admin,
    );
    expect(await db().selectFrom('ca_policies').select('id').execute()).toEqual([]);
    // Confirmed, it is applied (and audited as confirmed).
    ca999 = (await createConditionalAccessPolicy(db(), ctx, body, true)).policy.id;
    const audit = await db()
      .selectFrom('audit_log')
      .select(['activity_display_name', 'additional_details'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audit.activity_display_name).toBe('Add conditional access policy');
    expect(JSON.stringify(audit.additional_details)).toContain('lockoutConfirmed');
  });

  it('reports the catch-22 with the chain of reasons', async () => {
    const report = await analyzeLockout(db());
    const locked = report.lockedOutUsers.find((u) => u.id === admin);
    expect(locked?.isGlobalAdministrator).toBe(true);
    const payroll = locked!.unreachable.find((v) => v.target.displayName === 'Payroll')!;
    expect(payroll.status).toBe('lockedOut');
    const chain = payroll.reasons.join('; ');
    expect(chain).toContain('CA999 admins phishing-resistant needs Phishing-resistant MFA');
    expect(chain).toContain('the user has only: password');
    expect(chain).toContain('registering a passkey requires the registration action, which CA999 admins phishing-resistant also covers');
    expect(chain).toContain('no Temporary Access Pass policy targets the user');
    expect(locked!.unreachable.map((v) => v.target.displayName)).toContain('Register security information');
    expect(report.lockedOutUsers.map((u) => u.id)).not.toContain(plain);
  });

  it('clears it after a TAP-enabled onboarding policy on the registration action is added', async () => {
    onboarding = await insertGroup(db(), 'Onboarding');
    await addMember(db(), onboarding, admin);
    await updateMethodConfiguration(db(), ctx, 'TemporaryAccessPass', {
      '@odata.type': ODATA_TYPE.TemporaryAccessPass,
      state: 'enabled',
      includeTargets: [{ targetType: 'group', id: onboarding, isRegistrationRequired: false }],
    });
    const bootstrap = await createStrength(db(), ctx, {
      displayName: 'Bootstrap and recovery',
      allowedCombinations: ['temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse', 'fido2'],
    });
    await createConditionalAccessPolicy(
      db(),
      ctx,
      {
        displayName: 'Onboarding registration with TAP',
        state: 'enabled',
        conditions: { users: { includeGroups: [onboarding] }, applications: { includeUserActions: ['urn:user:registersecurityinfo'] } },
        grantControls: { operator: 'OR', authenticationStrength: { id: bootstrap.id } },
      },
      false,
    );
    const report = await analyzeLockout(db());
    expect(report.lockedOutUsers.map((u) => u.id)).not.toContain(admin);
    const path = report.needsOnboarding.find((u) => u.id === admin)!;
    expect(path.targets.find((t) => t.target.displayName === 'Payroll')).toMatchObject({ status: 'okAfterRegistration' });
    expect(path.targets.find((t) => t.target.displayName === 'Register security information')).toMatchObject({ status: 'okWithTap' });
  });

  it('a Temporary Access Pass the admin already holds counts as a method they have', async () => {
    await db()
      .insertInto('tap_methods')
      .values({
        id: crypto.randomUUID(),
        user_id: admin,
        pass_hash: 'x'.repeat(64),
        start_date_time: new Date(Date.now() - 60_000),
        lifetime_in_minutes: 60,
        is_usable_once: false,
        used_at: null,
        created_at: new Date(),
      })
      .execute();
    const report = await analyzeLockout(db());
    const path = report.needsOnboarding.find((u) => u.id === admin)!;
    expect(path.targets.find((t) => t.target.displayName === 'Register security information')).toBeUndefined();
    expect(path.targets.find((t) => t.target.displayName === 'Payroll')).toMatchObject({ status: 'okAfterRegistration' });
    await db().deleteFrom('tap_methods').where('user_id', '=', admin).execute();
  });

  it('refuses narrowing the onboarding strength to passkeys only (a strength change is guarded too), and writes nothing', async () => {
    const bootstrap = (await db().selectFrom('ca_authentication_strengths').select(['id', 'body']).execute())[0]!;
    await expect(updateCustomStrength(db(), ctx, bootstrap.id, { allowedCombinations: ['fido2'] })).rejects.toMatchObject({
      status: 409,
      details: { code: 'LockoutRisk' },
    });
    const after = await db()
      .selectFrom('ca_authentication_strengths')
      .select('body')
      .where('id', '=', bootstrap.id)
      .executeTakeFirstOrThrow();
    expect((after.body as { allowedCombinations: string[] }).allowedCombinations).toContain('temporaryAccessPassOneTime');
  });

  it('refuses deleting the onboarding policy, since it revives the catch-22', async () => {
    const onboardingPolicy = (await db().selectFrom('ca_policies').select(['id', 'display_name']).execute()).find((p) =>
      p.display_name.startsWith('Onboarding'),
    )!;
    await expect(deleteConditionalAccessPolicy(db(), ctx, onboardingPolicy.id, false)).rejects.toMatchObject({ status: 409 });
    expect((await db().selectFrom('ca_policies').select('id').execute()).map((r) => r.id)).toContain(onboardingPolicy.id);
    expect(ca999).toBeTruthy();
  });

  it('report-only policies show who would be locked out, without counting them as locked out', async () => {
    await createConditionalAccessPolicy(
      db(),
      ctx,
      {
        displayName: 'Everyone phishing-resistant (report-only)',
        state: 'enabledForReportingButNotEnforced',
        conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
        grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING } },
      },
      false,
    );
    const report = await analyzeLockout(db());
    expect(report.lockedOutUsers.map((u) => u.id)).not.toContain(plain);
    expect(report.reportOnlyWouldLockOut.map((u) => u.id)).toContain(plain);
  });
});
