import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { createEnvelope, sealedKeyId } from '../../src/secrets/envelope.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { ensureSigningKeys, loadSigningKeys } from '../../src/oidc/keys.ts';
import { importHardwareTokens } from '../../src/methods/oath/importHardwareTokens.ts';
import { findTokenBySerial } from '../../src/methods/oath/repository.ts';
import { openSeed } from '../../src/methods/oath/seed.ts';
import { base32Decode } from '../../src/methods/oath/base32.ts';
import { rewrapAllSecrets, sealedSecretsStatus } from '../../src/secrets/rewrap.ts';
import { secretsRewrapOp } from '../../src/secrets/ops.ts';
import { csvOf, newSecret } from '../oath/support.ts';
import type { Runtime } from '../../src/runtime.ts';

const ctx = systemContext('rewrap-test');

/** Master key rotation on both stores (ADR 0020): status, rewrap, concurrency, what cannot be rewrapped. */
describeEachStore('master key rotation: rewrapping sealed secrets', (store) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const before = createEnvelope(oldKey);
  const during = createEnvelope(newKey, [oldKey]);
  const after = createEnvelope(newKey);
  const seeds = new Map<string, string>();
  /** The master key the previous test left every secret under. */
  let currentKey: Buffer = oldKey;

  /** Signing keys and `n` OATH tokens sealed with `envelope`; remembers each token's seed by serial. */
  async function seed(envelope: typeof before, n: number, prefix: string): Promise<void> {
    await ensureSigningKeys(store().db, envelope);
    const rows = Array.from({ length: n }, (_, i) => {
      const secret = newSecret();
      seeds.set(`${prefix}${i}`, secret);
      return ['', `${prefix}${i}`, secret, 30, 'Feitian', 'c200'] as [string, string, string, number, string, string];
    });
    const r = await importHardwareTokens({ db: store().db, envelope }, ctx, csvOf(rows));
    expect(r.imported).toBe(n);
  }

  const sealedColumnsByKey = async () => {
    const { rows } = await sql<{ k: string; n: number }>`
      select k, count(*)::int as n from (
        select split_part(private_jwk_sealed, '.', 2) as k from oidc_signing_keys
        union all select split_part(secret_sealed, '.', 2) from oath_tokens) s group by k`.execute(store().db);
    return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
  };

  it('rewraps every secret under the current key in batches with progress; the secrets open with the new key alone', async () => {
    await seed(before, 25, 'RW');
    const jwksBefore = (await loadSigningKeys(store().db, before)).privateJwks;
    const status = await sealedSecretsStatus(store().db, during);
    expect(status).toMatchObject({ currentKeyId: during.keyId, previousKeyIds: [before.keyId], underCurrent: 0, underPrevious: 27, underUnknown: 0 });
    expect(status.columns).toEqual([
      { table: 'oidc_signing_keys', label: 'token signing keys', byKeyId: { [before.keyId]: 2 } },
      { table: 'oath_tokens', label: 'OATH token seeds', byKeyId: { [before.keyId]: 25 } },
      { table: 'instance_secrets', label: 'instance secrets', byKeyId: {} },
    ]);
    await expect(loadSigningKeys(store().db, after)).rejects.toThrow(/master key/);

    const progress: Array<[number, number]> = [];
    const r = await rewrapAllSecrets(store().db, during, ctx, { batch: 10, onProgress: (d, t) => progress.push([d, t]) });
    expect(r).toEqual({ rewrapped: 27, takenMeanwhile: 0, failed: [], remaining: 0 });
    expect(progress[0]).toEqual([0, 27]);
    expect(progress.at(-1)).toEqual([27, 27]);
    expect(progress.length).toBeGreaterThanOrEqual(4); // 10 + 10 + 7, then the last report
    expect(progress.map(([d]) => d)).toEqual([...progress.map(([d]) => d)].sort((a, b) => a - b));
    expect(await sealedColumnsByKey()).toEqual({ [after.keyId]: 27 });

    // The same private keys and seeds, opened with the new master key alone.
    expect((await loadSigningKeys(store().db, after)).privateJwks).toEqual(jwksBefore);
    for (const serial of ['RW0', 'RW13', 'RW24']) {
      const row = (await findTokenBySerial(store().db, serial))!;
      expect(openSeed(after, row).equals(base32Decode(seeds.get(serial)!)!)).toBe(true);
    }
    // Audit: one entry per page that changed something, with counts and the key id only.
    const audit = await sql<{ activity_display_name: string; category: string; additional_details: unknown }>`
      select activity_display_name, category, additional_details from audit_log where activity_display_name like 'Rewrap%' order by seq`.execute(store().db);
    expect(audit.rows.length).toBeGreaterThanOrEqual(3);
    expect(new Set(audit.rows.map((a) => a.category))).toEqual(new Set(['KeyManagement']));
    const details = JSON.stringify(audit.rows.map((a) => a.additional_details));
    expect(details).toContain(during.keyId);
    for (const secret of seeds.values()) expect(details).not.toContain(secret);
    // Nothing left to do: a second run changes nothing and says so.
    expect(await rewrapAllSecrets(store().db, during, ctx, { batch: 10 })).toEqual({ rewrapped: 0, takenMeanwhile: 0, failed: [], remaining: 0 });
    currentKey = newKey;
  });

  it('two rewraps at once change each secret once, and their counts add up', async () => {
    const thirdKey = randomBytes(32);
    const rotated = createEnvelope(thirdKey, [newKey]);
    await seed(createEnvelope(newKey), 40, 'CC');
    const total = (await sealedSecretsStatus(store().db, rotated)).underPrevious;
    expect(total).toBe(27 + 40); // the first test's secrets (now under newKey) and these
    const [a, b] = await Promise.all([
      rewrapAllSecrets(store().db, rotated, ctx, { batch: 7 }),
      rewrapAllSecrets(store().db, rotated, ctx, { batch: 7 }),
    ]);
    expect(a.rewrapped + b.rewrapped).toBe(total);
    expect([a.remaining, b.remaining]).toEqual([0, 0]);
    expect(await sealedColumnsByKey()).toEqual({ [rotated.keyId]: total });
    currentKey = thirdKey;
    const row = (await findTokenBySerial(store().db, 'CC7'))!;
    expect(openSeed(createEnvelope(thirdKey), row).equals(base32Decode(seeds.get('CC7')!)!)).toBe(true);
  });

  it('leaves a tampered secret and one under an unknown key as they are, and reports them', async () => {
    const current = randomBytes(32);
    const prior = randomBytes(32);
    const stranger = createEnvelope(randomBytes(32));
    const rotated = createEnvelope(current, [prior]);
    const { rows } = await sql<{ id: string }>`select id from oath_tokens order by id limit 2`.execute(store().db);
    const [tampered, unknown] = rows.map((r) => r.id) as [string, string];
    // Re-seal everything under `prior`, then break one body and move another under a key nobody configured.
    const all = await sql<{ id: string; secret_sealed: string }>`select id, secret_sealed from oath_tokens`.execute(store().db);
    const last = createEnvelope(currentKey);
    for (const r of all.rows) {
      const plain = last.open(r.secret_sealed, `oath-token:${r.id}`);
      let sealed = createEnvelope(prior).seal(plain, `oath-token:${r.id}`);
      if (r.id === tampered) sealed = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      if (r.id === unknown) sealed = stranger.seal(plain, `oath-token:${r.id}`);
      await sql`update oath_tokens set secret_sealed = ${sealed} where id = ${r.id}`.execute(store().db);
    }
    const keysBefore = await sql<{ kid: string; private_jwk_sealed: string }>`select kid, private_jwk_sealed from oidc_signing_keys`.execute(store().db);
    for (const k of keysBefore.rows) {
      const plain = last.open(k.private_jwk_sealed, `oidc-signing-key:${k.kid}`);
      await sql`update oidc_signing_keys set private_jwk_sealed = ${createEnvelope(prior).seal(plain, `oidc-signing-key:${k.kid}`)} where kid = ${k.kid}`.execute(store().db);
    }
    const status = await sealedSecretsStatus(store().db, rotated);
    expect(status.underUnknown).toBe(1);
    expect(status.underPrevious).toBe(all.rows.length - 1 + keysBefore.rows.length);

    const r = await rewrapAllSecrets(store().db, rotated, ctx, { batch: 50 });
    expect(r.failed).toEqual([{ table: 'oath_tokens', id: tampered, reason: expect.stringMatching(/failed authentication/) }]);
    expect(r.remaining).toBe(1);
    expect(r.rewrapped).toBe(status.underPrevious - 1);
    const left = await sql<{ id: string; secret_sealed: string }>`select id, secret_sealed from oath_tokens where id in (${tampered}, ${unknown})`.execute(store().db);
    expect(Object.fromEntries(left.rows.map((x) => [x.id, sealedKeyId(x.secret_sealed)]))).toEqual({
      [tampered]: createEnvelope(prior).keyId,
      [unknown]: stranger.keyId,
    });
    currentKey = current;
  });

  it('the operation refuses a bad batch size, and a configuration with no previous key', async () => {
    const rt = (envelope: typeof before) => ({ store: store(), envelope }) as unknown as Runtime;
    for (const batch of [0, 1001, 2.5, 'ten'])
      await expect(secretsRewrapOp.run(rt(during), { batch: batch as number })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/batch must be/) });
    await expect(secretsRewrapOp.run(rt(after), {})).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/No previous master key/) });
  });
});
