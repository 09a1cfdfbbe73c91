import { expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeEachStore } from '../support/stores.ts';
import { createEnvelope } from '../../src/secrets/envelope.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { describeKeys, ensureSigningKeys, loadSigningKeys, retireKey, rotateSigningKeys } from '../../src/oidc/keys.ts';
import { listSigningKeys } from '../../src/oidc/keys-repository.ts';

/** Signing keys on PGlite and PostgreSQL: first start, concurrency, sealing, rotation, retirement. */
describeEachStore('oidc signing keys', (store) => {
  const envelope = createEnvelope(randomBytes(32));
  const notified: string[] = [];
  const notify = async (channel: string, payload: string) => void notified.push(`${channel}:${payload}`);

  it('concurrent first starts create exactly one key per algorithm', async () => {
    const results = await Promise.all([
      ensureSigningKeys(store().db, envelope),
      ensureSigningKeys(store().db, envelope),
      ensureSigningKeys(store().db, envelope),
    ]);
    expect(results.flat()).toHaveLength(2);
    const keys = await listSigningKeys(store().db);
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(await ensureSigningKeys(store().db, envelope)).toEqual([]);
  });

  it('stores the private key sealed: no private member in clear, unreadable with another master key', async () => {
    const [key] = await listSigningKeys(store().db);
    const opened = (await loadSigningKeys(store().db, envelope)).privateJwks.find((k) => k.kid === key!.kid)!;
    expect(typeof opened.d).toBe('string');
    expect(key!.privateJwkSealed).not.toContain(opened.d!);
    expect(key!.publicJwk).not.toHaveProperty('d');
    await expect(loadSigningKeys(store().db, createEnvelope(randomBytes(32)))).rejects.toThrow(/master key/);
  });

  it('rotation adds a signing key per alg and keeps the old ones verifying; retire removes them', async () => {
    const before = await describeKeys(store().db);
    const added = await rotateSigningKeys(store().db, envelope, systemContext(), notify);
    expect(added).toHaveLength(2);
    expect(notified).toContain('latchkey_oidc_keys:rotated');
    const set = await loadSigningKeys(store().db, envelope);
    expect([...set.signing.values()].map((k) => k.kid).sort()).toEqual([...added].sort());
    expect(set.publicJwks.map((k) => k.kid).sort()).toEqual([...added, ...before.map((k) => k.kid)].sort());
    expect(
      set.privateJwks
        .slice(0, 2)
        .map((k) => k.kid)
        .sort(),
    ).toEqual([...added].sort());

    const old = before.find((k) => k.alg === 'ES256')!;
    await retireKey(store().db, old.kid, systemContext(), notify);
    const after = await describeKeys(store().db);
    expect(after.find((k) => k.kid === old.kid)).toMatchObject({ status: 'retired', signing: false, retiredAt: expect.any(Date) });
    expect((await loadSigningKeys(store().db, envelope)).publicJwks.map((k) => k.kid)).not.toContain(old.kid);
    await expect(retireKey(store().db, old.kid, systemContext(), notify)).rejects.toMatchObject({ status: 404 });
    const current = added.find((kid) => after.find((k) => k.kid === kid)?.signing)!;
    await expect(retireKey(store().db, current, systemContext(), notify)).rejects.toMatchObject({ status: 400 });
    const audit = await store().db.selectFrom('audit_log').select(['activity_display_name', 'category']).orderBy('seq').execute();
    expect(audit.map((a) => a.activity_display_name)).toEqual(['Rotate token signing keys', 'Retire token signing key']);
    expect(new Set(audit.map((a) => a.category))).toEqual(new Set(['KeyManagement']));
  });
});
