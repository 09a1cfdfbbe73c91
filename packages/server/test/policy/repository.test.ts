import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { getAuthenticationMethodsPolicy, getMethodConfiguration } from '../../src/policy/authentication-methods/read.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';
import { updateAuthenticationMethodsPolicy } from '../../src/policy/authentication-methods/updatePolicy.ts';
import { loadMethodsEnabledFor } from '../../src/policy/authentication-methods/forUser.ts';
import { createMethodsPolicyCache } from '../../src/policy/authentication-methods/cache.ts';
import { defaultConfiguration } from '../../src/policy/authentication-methods/defaults.ts';
import { revertMethodConfiguration } from '../../src/policy/authentication-methods/revert.ts';
import { METHOD_IDS, ODATA_TYPE, type Fido2Configuration } from '../../src/policy/authentication-methods/types.ts';
import { ApiError } from '../../src/errors.ts';
import { addMember, adminContext, countRows, insertGroup, insertUser, policySnapshot } from './fixtures.ts';

const everyone = { targetType: 'group', id: 'all_users', isRegistrationRequired: false };

describeEachStore('authentication methods policy store', (store) => {
  const db = () => store().db;

  it("is seeded with Entra's defaults (Graph GET example, entra-spec §3.1, §4.1, §7.5)", async () => {
    const { policy } = await getAuthenticationMethodsPolicy(db());
    expect(policy).toMatchObject({ id: 'authenticationMethodsPolicy', displayName: 'Authentication Methods Policy', policyVersion: '1.5' });
    expect(policy.registrationEnforcement.authenticationMethodsRegistrationCampaign).toEqual({
      snoozeDurationInDays: 1,
      enforceRegistrationAfterAllowedSnoozes: true,
      state: 'default',
      excludeTargets: [],
      includeTargets: [{ id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'microsoftAuthenticator' }],
    });
    const byId = Object.fromEntries(policy.authenticationMethodConfigurations.map((c) => [c.id, c]));
    expect(policy.authenticationMethodConfigurations.map((c) => `${c.id}:${c.state}`)).toEqual([
      'Fido2:disabled',
      'MicrosoftAuthenticator:disabled',
      'Sms:enabled',
      'TemporaryAccessPass:disabled',
      'Email:enabled',
      'SoftwareOath:disabled',
      'HardwareOath:disabled',
      'Voice:disabled',
      'Password:enabled',
    ]);
    expect(byId.Fido2).toEqual({
      '@odata.type': ODATA_TYPE.Fido2,
      id: 'Fido2',
      state: 'disabled',
      isSelfServiceRegistrationAllowed: true,
      isAttestationEnforced: true,
      keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
      passkeyProfiles: [],
      includeTargets: [{ ...everyone, allowedPasskeyProfiles: [] }],
      excludeTargets: [],
    });
    expect(byId.TemporaryAccessPass).toMatchObject({
      defaultLifetimeInMinutes: 60,
      defaultLength: 8,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: false,
      includeTargets: [everyone],
    });
    expect(byId.MicrosoftAuthenticator).toMatchObject({
      includeTargets: [{ ...everyone, authenticationMode: 'any' }],
      isSoftwareOathEnabled: false,
    });
    expect(byId.Sms).toMatchObject({ includeTargets: [{ ...everyone, isUsableForSignIn: true }] });
    expect(byId.Email).toMatchObject({ includeTargets: [], allowExternalIdToUseEmailOtp: 'default' });
  });

  it('seeds exactly what defaults.ts reverts to, for every method', async () => {
    const { policy } = await getAuthenticationMethodsPolicy(db());
    expect(policy.authenticationMethodConfigurations).toEqual(METHOD_IDS.map(defaultConfiguration));
  });

  it('stores a PATCH, bumps the version and writes one Policy audit entry with modifiedProperties', async () => {
    const before = await getMethodConfiguration(db(), 'fido2');
    const auditBefore = await countRows(db(), 'audit_log');
    const r = await updateMethodConfiguration(db(), adminContext(), 'FIDO2', {
      '@odata.type': ODATA_TYPE.Fido2,
      state: 'enabled',
      keyRestrictions: { isEnforced: true, aaGuids: ['CB69481E-8FF7-4039-93EC-0A2729A154A8'] },
    });
    expect(r).toMatchObject({ changed: true, version: before.version + 1 });
    const after = await getMethodConfiguration(db(), 'Fido2');
    expect(after.version).toBe(before.version + 1);
    expect(after.configuration).toMatchObject({
      state: 'enabled',
      keyRestrictions: { isEnforced: true, enforcementType: 'block', aaGuids: ['cb69481e-8ff7-4039-93ec-0a2729a154a8'] },
    });
    expect(await countRows(db(), 'audit_log')).toBe(auditBefore + 1);
    const entry = await db().selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      category: 'Policy',
      activity_display_name: 'Update authentication methods policy',
      operation_type: 'Update',
    });
    const [target] = entry.target_resources as Array<{
      id: string;
      modifiedProperties: Array<{ displayName: string; oldValue: string; newValue: string }>;
    }>;
    expect(target?.id).toBe('Fido2');
    expect(target?.modifiedProperties.map((p) => p.displayName).sort()).toEqual(['keyRestrictions', 'state']);
    expect(target?.modifiedProperties.find((p) => p.displayName === 'state')).toEqual({
      displayName: 'state',
      oldValue: '"disabled"',
      newValue: '"enabled"',
    });
  });

  it('writes nothing and no audit entry for a PATCH that restates the stored values', async () => {
    const snap = await policySnapshot(db());
    const r = await updateMethodConfiguration(db(), adminContext(), 'Sms', { '@odata.type': ODATA_TYPE.Sms, state: 'enabled' });
    expect(r.changed).toBe(false);
    expect(await policySnapshot(db())).toBe(snap);
  });

  const BAD: Array<[string, string, unknown, RegExp]> = [
    ['wrong @odata.type for the id', 'Fido2', { '@odata.type': ODATA_TYPE.Sms, state: 'enabled' }, /does not match configuration 'Fido2'/],
    ['missing @odata.type', 'Fido2', { state: 'enabled' }, /Invalid body/],
    ['unknown property', 'Fido2', { '@odata.type': ODATA_TYPE.Fido2, isAttestationEnforcd: false }, /Invalid body/],
    ['bad state', 'Sms', { '@odata.type': ODATA_TYPE.Sms, state: 'on' }, /Invalid body: \/state/],
    ['non-GUID target', 'Sms', { '@odata.type': ODATA_TYPE.Sms, includeTargets: [{ targetType: 'group', id: 'admins' }] }, /Invalid body/],
    [
      'TAP default outside min..max',
      'TemporaryAccessPass',
      { '@odata.type': ODATA_TYPE.TemporaryAccessPass, defaultLifetimeInMinutes: 500 },
      /between minimumLifetimeInMinutes/,
    ],
    [
      'TAP lifetime below 10 minutes',
      'TemporaryAccessPass',
      { '@odata.type': ODATA_TYPE.TemporaryAccessPass, minimumLifetimeInMinutes: 5 },
      /Invalid body/,
    ],
    ['TAP length above 48', 'TemporaryAccessPass', { '@odata.type': ODATA_TYPE.TemporaryAccessPass, defaultLength: 49 }, /Invalid body/],
    [
      'excluding all_users',
      'SoftwareOath',
      { '@odata.type': ODATA_TYPE.SoftwareOath, excludeTargets: [{ targetType: 'group', id: 'all_users' }] },
      /cannot be excluded/,
    ],
    [
      'synced passkeys with attestation',
      'Fido2',
      {
        '@odata.type': ODATA_TYPE.Fido2,
        passkeyProfiles: [
          {
            id: '00000000-0000-0000-0000-000000000001',
            name: 'Default passkey profile',
            passkeyTypes: 'deviceBound,synced',
            attestationEnforcement: 'registrationOnly',
            keyRestrictions: { isEnforced: false, enforcementType: 'allow', aaGuids: [] },
          },
        ],
      },
      /cannot be attested/,
    ],
    [
      'enforced empty allow list',
      'Fido2',
      { '@odata.type': ODATA_TYPE.Fido2, keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [] } },
      /refuse every passkey/,
    ],
    [
      'a group that does not exist',
      'Fido2',
      { '@odata.type': ODATA_TYPE.Fido2, excludeTargets: [{ targetType: 'group', id: randomUUID() }] },
      /does not exist/,
    ],
    [
      'over the 20 KB cap',
      'SoftwareOath',
      {
        '@odata.type': ODATA_TYPE.SoftwareOath,
        includeTargets: Array.from({ length: 300 }, () => ({ targetType: 'user', id: randomUUID() })),
      },
      /limited to 20 KB/,
    ],
  ];
  for (const [name, id, body, message] of BAD) {
    it(`rejects ${name} with 400 and writes nothing`, async () => {
      const snap = await policySnapshot(db());
      const err = await updateMethodConfiguration(db(), adminContext(), id, body).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 400, code: 'Request_BadRequest' });
      expect((err as ApiError).message).toMatch(message);
      expect(await policySnapshot(db())).toBe(snap);
    });
  }

  it('DELETE reverts a configuration to its default with a Delete audit entry; reverting a default writes nothing', async () => {
    await updateMethodConfiguration(db(), adminContext(), 'HardwareOath', {
      '@odata.type': ODATA_TYPE.HardwareOath,
      state: 'enabled',
      includeTargets: [],
    });
    const before = await countRows(db(), 'audit_log');
    expect((await revertMethodConfiguration(db(), adminContext(), 'hardwareoath')).changed).toBe(true);
    expect((await getMethodConfiguration(db(), 'HardwareOath')).configuration).toEqual(defaultConfiguration('HardwareOath'));
    expect(await countRows(db(), 'audit_log')).toBe(before + 1);
    const entry = await db().selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ category: 'Policy', operation_type: 'Delete' });
    const snap = await policySnapshot(db());
    expect((await revertMethodConfiguration(db(), adminContext(), 'HardwareOath')).changed).toBe(false);
    expect(await policySnapshot(db())).toBe(snap);
    await expect(revertMethodConfiguration(db(), adminContext(), 'X509Certificate')).rejects.toMatchObject({ status: 404 });
  });

  it('answers 404 for an unknown configuration id', async () => {
    await expect(getMethodConfiguration(db(), 'X509Certificate')).rejects.toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
    await expect(updateMethodConfiguration(db(), adminContext(), 'Nope', { '@odata.type': ODATA_TYPE.Sms })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('refuses a stale If-Match version with 412 and writes nothing', async () => {
    const { version } = await getMethodConfiguration(db(), 'Voice');
    await updateMethodConfiguration(
      db(),
      adminContext(),
      'Voice',
      { '@odata.type': ODATA_TYPE.Voice, isOfficePhoneAllowed: true },
      { ifMatchVersion: version },
    );
    const snap = await policySnapshot(db());
    await expect(
      updateMethodConfiguration(
        db(),
        adminContext(),
        'Voice',
        { '@odata.type': ODATA_TYPE.Voice, state: 'enabled' },
        { ifMatchVersion: version },
      ),
    ).rejects.toMatchObject({ status: 412 });
    expect(await policySnapshot(db())).toBe(snap);
  });

  it('loses no update when PATCHes to different properties run concurrently', async () => {
    const groups = await Promise.all(Array.from({ length: 3 }, () => insertGroup(db())));
    const auditBefore = await countRows(db(), 'audit_log');
    const ctx = adminContext();
    await Promise.all([
      updateMethodConfiguration(db(), ctx, 'Fido2', { '@odata.type': ODATA_TYPE.Fido2, isSelfServiceRegistrationAllowed: false }),
      updateMethodConfiguration(db(), ctx, 'Fido2', { '@odata.type': ODATA_TYPE.Fido2, isAttestationEnforced: false }),
      updateMethodConfiguration(db(), ctx, 'Fido2', {
        '@odata.type': ODATA_TYPE.Fido2,
        excludeTargets: groups.map((id) => ({ targetType: 'group', id })),
      }),
      updateMethodConfiguration(db(), ctx, 'TemporaryAccessPass', { '@odata.type': ODATA_TYPE.TemporaryAccessPass, state: 'enabled' }),
      updateMethodConfiguration(db(), ctx, 'TemporaryAccessPass', { '@odata.type': ODATA_TYPE.TemporaryAccessPass, isUsableOnce: true }),
    ]);
    const fido2 = (await getMethodConfiguration(db(), 'Fido2')).configuration as Fido2Configuration;
    expect(fido2).toMatchObject({ isSelfServiceRegistrationAllowed: false, isAttestationEnforced: false });
    expect(fido2.excludeTargets.map((t) => t.id).sort()).toEqual([...groups].sort());
    expect((await getMethodConfiguration(db(), 'TemporaryAccessPass')).configuration).toMatchObject({
      state: 'enabled',
      isUsableOnce: true,
    });
    expect(await countRows(db(), 'audit_log')).toBe(auditBefore + 5);
  });

  it('evaluates for a user through nested groups, and an excluded nested group wins', async () => {
    const user = await insertUser(db());
    const outer = await insertGroup(db());
    const inner = await insertGroup(db());
    await addMember(db(), inner, user);
    await addMember(db(), outer, inner, 'group');
    await updateMethodConfiguration(db(), adminContext(), 'SoftwareOath', {
      '@odata.type': ODATA_TYPE.SoftwareOath,
      state: 'enabled',
      includeTargets: [{ targetType: 'group', id: outer }],
    });
    const r = await loadMethodsEnabledFor(db(), user);
    expect(r.methods.find((m) => m.methodId === 'SoftwareOath')).toMatchObject({
      enabled: true,
      reason: 'includedViaGroup',
      targetId: outer,
    });
    await updateMethodConfiguration(db(), adminContext(), 'SoftwareOath', {
      '@odata.type': ODATA_TYPE.SoftwareOath,
      excludeTargets: [{ targetType: 'group', id: inner }],
    });
    const excluded = await loadMethodsEnabledFor(db(), user);
    expect(excluded.methods.find((m) => m.methodId === 'SoftwareOath')).toMatchObject({
      enabled: false,
      reason: 'excludedViaGroup',
      targetId: inner,
    });
    expect((await loadMethodsEnabledFor(db(), await insertUser(db()))).enabled.has('SoftwareOath')).toBe(false);
  });

  it('PATCHes the registration campaign on the policy itself, and rejects out-of-range snoozes', async () => {
    const snap = await policySnapshot(db());
    await expect(
      updateAuthenticationMethodsPolicy(db(), adminContext(), {
        registrationEnforcement: { authenticationMethodsRegistrationCampaign: { snoozeDurationInDays: 15 } },
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(updateAuthenticationMethodsPolicy(db(), adminContext(), { authenticationMethodConfigurations: [] })).rejects.toMatchObject(
      { status: 400 },
    );
    expect(await policySnapshot(db())).toBe(snap);
    const r = await updateAuthenticationMethodsPolicy(db(), adminContext(), {
      registrationEnforcement: { authenticationMethodsRegistrationCampaign: { snoozeDurationInDays: 3, state: 'enabled' } },
    });
    expect(r.changed).toBe(true);
    expect(r.policy.registrationEnforcement.authenticationMethodsRegistrationCampaign).toMatchObject({
      snoozeDurationInDays: 3,
      state: 'enabled',
      enforceRegistrationAfterAllowedSnoozes: true,
    });
    const entry = await db().selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(entry.category).toBe('Policy');
    expect(
      (entry.target_resources as Array<{ modifiedProperties: Array<{ displayName: string }> }>)[0]?.modifiedProperties.map(
        (p) => p.displayName,
      ),
    ).toEqual(['registrationEnforcement']);
  });
});

describeEachStore('methods policy cache', (store) => {
  it('serves the cached policy until the TTL passes or it is invalidated, then sees the change', async () => {
    const db = store().db;
    let clock = 1_000;
    const cache = createMethodsPolicyCache(db, { ttlMs: 5_000, now: () => clock });
    const user = await insertUser(db);
    expect((await cache.methodsFor(user)).enabled.has('SoftwareOath')).toBe(false);
    const first = await cache.configurations();
    await updateMethodConfiguration(db, adminContext(), 'SoftwareOath', { '@odata.type': ODATA_TYPE.SoftwareOath, state: 'enabled' });
    clock += 4_999;
    expect(await cache.configurations()).toBe(first);
    expect((await cache.methodsFor(user, [])).enabled.has('SoftwareOath')).toBe(false);
    clock += 1;
    expect((await cache.methodsFor(user)).enabled.has('SoftwareOath')).toBe(true);
    await updateMethodConfiguration(db, adminContext(), 'SoftwareOath', { '@odata.type': ODATA_TYPE.SoftwareOath, state: 'disabled' });
    cache.invalidate();
    expect((await cache.methodsFor(user)).enabled.has('SoftwareOath')).toBe(false);
  });

  it('concurrent misses share one load', async () => {
    const cache = createMethodsPolicyCache(store().db);
    const [a, b] = await Promise.all([cache.configurations(), cache.configurations()]);
    expect(a).toBe(b);
  });
});
