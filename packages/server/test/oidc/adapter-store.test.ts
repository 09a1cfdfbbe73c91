import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.ts';
import { createAdapterClass } from '../../src/oidc/adapter.ts';
import { sweepExpired } from '../../src/oidc/payloads-repository.ts';

/** oidc-provider adapter contract over oidc_payloads, on PGlite and PostgreSQL. */
describeEachStore('oidc-provider adapter', (store) => {
  const Adapter = () => createAdapterClass(store().db, async (id) => (id === 'known' ? { client_id: 'known' } : undefined));

  it('upserts, finds, updates and destroys by (model, id); models do not see each other', async () => {
    const A = Adapter();
    const sessions = new A('Session');
    const grants = new A('Grant');
    await sessions.upsert('s1', { uid: 'u-1', accountId: 'acc' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u-1', accountId: 'acc' });
    expect(await grants.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u-1')).toEqual({ uid: 'u-1', accountId: 'acc' });
    await sessions.upsert('s1', { uid: 'u-2', accountId: 'acc2' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u-2', accountId: 'acc2' });
    expect(await sessions.findByUid('u-1')).toBeUndefined();
    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
  });

  it('marks consumed artefacts (single-use codes) and finds device codes by user code', async () => {
    const A = Adapter();
    const codes = new A('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', accountId: 'a' }, 60);
    expect((await codes.find('c1'))?.consumed).toBeUndefined();
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
    const device = new A('DeviceCode');
    await device.upsert('d1', { userCode: 'ABCD-EFGH', grantId: 'g2' }, 60);
    expect(await device.findByUserCode('ABCD-EFGH')).toMatchObject({ grantId: 'g2' });
  });

  it('revokes everything of a grant across models, but not an interaction in progress that names the grant', async () => {
    const A = Adapter();
    await new A('AccessToken').upsert('t1', { grantId: 'g9' }, 60);
    await new A('RefreshToken').upsert('r1', { grantId: 'g9' }, 60);
    await new A('AccessToken').upsert('t2', { grantId: 'other' }, 60);
    await new A('Interaction').upsert('i1', { uid: 'i1', grantId: 'g9' }, 60);
    await new A('AccessToken').revokeByGrantId('g9');
    expect(await new A('AccessToken').find('t1')).toBeUndefined();
    expect(await new A('RefreshToken').find('r1')).toBeUndefined();
    expect(await new A('AccessToken').find('t2')).toEqual({ grantId: 'other' });
    expect(await new A('Interaction').find('i1')).toEqual({ uid: 'i1', grantId: 'g9' });
    await new A('Interaction').destroy('i1'); // the store is shared with the sweep test below
  });

  it('hides expired rows and sweeps them', async () => {
    const A = Adapter();
    const interactions = new A('Interaction');
    await interactions.upsert('i-old', { uid: 'old' }, 1);
    await interactions.upsert('i-new', { uid: 'new' }, 3600);
    const later = new Date(Date.now() + 5_000);
    // Expired as of `later`: invisible then, and swept.
    await store()
      .db.updateTable('oidc_payloads')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', 'i-old')
      .execute();
    expect(await interactions.find('i-old')).toBeUndefined();
    expect(await sweepExpired(store().db, later)).toBeGreaterThanOrEqual(1);
    const left = await store().db.selectFrom('oidc_payloads').select('id').where('kind', '=', 'Interaction').execute();
    expect(left.map((r) => r.id)).toEqual(['i-new']);
  });

  it('resolves clients through the client source and refuses to store them', async () => {
    const A = Adapter();
    const clients = new A('Client');
    expect(await clients.find('known')).toEqual({ client_id: 'known' });
    expect(await clients.find('unknown')).toBeUndefined();
    await expect(clients.upsert('x', {}, 0)).rejects.toThrow(/applications/);
  });
});
