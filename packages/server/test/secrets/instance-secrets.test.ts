import { hkdfSync, randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { createEnvelope } from '../../src/secrets/envelope.ts';
import { instanceSecret } from '../../src/secrets/instance-secrets.ts';
import { rewrapAllSecrets } from '../../src/secrets/rewrap.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { loadConfig } from '../../src/config/load.ts';
import { signInDepsOf } from '../../src/signin/index.ts';
import type { Runtime } from '../../src/runtime.ts';

/** Instance secrets (ADR 0020): created once, the same for concurrent first starts, the same after a master key rotation. */
describeEachStore('instance secrets', (store) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('is created once: concurrent first calls agree, later calls read it back whatever their initial value', async () => {
    const envelope = createEnvelope(oldKey);
    const values = await Promise.all([1, 2, 3].map(() => instanceSecret(store().db, envelope, 'test/concurrent')));
    expect(values[0]).toHaveLength(32);
    expect(values.every((v) => v.equals(values[0]!))).toBe(true);
    const again = await instanceSecret(store().db, envelope, 'test/concurrent', () => Buffer.alloc(32, 7));
    expect(again.equals(values[0]!)).toBe(true);
    const rows = await store().db.selectFrom('instance_secrets').select(['name', 'secret_sealed']).where('name', '=', 'test/concurrent').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_sealed).not.toContain(values[0]!.toString('base64url'));
  });

  it("keeps the fake passkeys' key across a master key rotation, starting from the value the master key derived", async () => {
    const rt = (key: Buffer, previous: Buffer[] = []) =>
      ({ store: store(), envelope: createEnvelope(key, previous), masterKey: { key, previous, origin: 'env' }, config: loadConfig({}) }) as unknown as Runtime;
    const first = (await signInDepsOf(rt(oldKey))).fakeCredentialKey;
    expect(first.equals(Buffer.from(hkdfSync('sha256', oldKey, Buffer.alloc(0), 'latchkey/signin/fake-credentials', 32)))).toBe(true);
    const during = rt(newKey, [oldKey]);
    expect((await signInDepsOf(during)).fakeCredentialKey.equals(first)).toBe(true);
    const r = await rewrapAllSecrets(store().db, during.envelope, systemContext(), { batch: 50 });
    expect(r.remaining).toBe(0);
    expect(r.rewrapped).toBeGreaterThanOrEqual(2); // this secret and the one from the first test
    expect((await signInDepsOf(rt(newKey))).fakeCredentialKey.equals(first)).toBe(true);
    await expect(signInDepsOf(rt(oldKey))).rejects.toThrow(/sealed with master key/);
  });
});
