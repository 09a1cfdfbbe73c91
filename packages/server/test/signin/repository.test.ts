import { expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { describeEachStore } from '../support/stores.ts';
import { countFailure, findFlowByInteraction, insertFlow, loadLockout, saveFlow, setLockedUntil, clearLockout, sweepFlows, sweepLockouts } from '../../src/signin/repository.ts';
import { applyEvents, startFlow } from '../../src/signin/flows.ts';
import type { SignInDeps } from '../../src/signin/deps.ts';
import { newFlowRow } from './support.ts';

describeEachStore('sign-in flow repository', (store) => {
  const deps = (): SignInDeps => ({ db: store().db, rp: { id: 'localhost', name: 'Latchkey', origins: ['http://localhost:8080'] }, fakeCredentialKey: Buffer.alloc(32, 1) });

  it('inserts a flow once per interaction and reads it back as written', async () => {
    const f = newFlowRow();
    const a = await insertFlow(store().db, f);
    const b = await insertFlow(store().db, { ...f, id: randomUUID() });
    expect(b.id).toBe(a.id);
    expect(await findFlowByInteraction(store().db, f.interactionUid)).toEqual({ ...f, version: 1 });
  });

  it('saves with optimistic concurrency: a stale version saves nothing', async () => {
    const f = await insertFlow(store().db, newFlowRow());
    const saved = await saveFlow(store().db, { ...f, state: 'chooseMethod', loginHint: 'a@b.test', identified: true, methodsOffered: ['passkey', 'password'] }, f.version);
    expect(saved).toMatchObject({ state: 'chooseMethod', version: 2, loginHint: 'a@b.test', methodsOffered: ['passkey', 'password'] });
    expect(await saveFlow(store().db, { ...f, state: 'failed' }, f.version)).toBeUndefined();
    expect((await findFlowByInteraction(store().db, f.interactionUid))!.state).toBe('chooseMethod');
  });

  it('parallel events on one flow: each is applied exactly once (re-applied on conflict)', async () => {
    const f = await startFlow(deps(), { interactionUid: `uid-${randomUUID()}`, clientId: 'c' });
    const identified = await applyEvents(deps(), f, [{ type: 'identified', userId: null, methodsOffered: ['passkey', 'password'] }, { type: 'methodChosen', method: 'password' }], { loginHint: 'x@y.test', accountKey: 'name:x' });
    await Promise.all(Array.from({ length: 5 }, () => applyEvents(deps(), identified, [{ type: 'verificationFailed', method: 'password', reason: 'invalidCredentials' }])));
    const after = (await findFlowByInteraction(store().db, f.interactionUid))!;
    expect(after.failures).toBe(5);
    expect(after.version).toBe(identified.version + 5);
  });

  it('counts lockout failures atomically under parallel failures, and clears them', async () => {
    const key = `name:${randomUUID()}`;
    await Promise.all(Array.from({ length: 12 }, () => countFailure(store().db, key, new Date())));
    expect((await loadLockout(store().db, key))!.failures).toBe(12);
    const until = new Date(Date.now() + 60_000);
    await setLockedUntil(store().db, key, until);
    expect((await loadLockout(store().db, key))!.lockedUntil!.getTime()).toBe(until.getTime());
    await clearLockout(store().db, key);
    expect(await loadLockout(store().db, key)).toBeUndefined();
  });

  it('sweeps flows a day after they expired and lockout counters after a quiet day, keeping live locks', async () => {
    const old = await insertFlow(store().db, { ...newFlowRow(), expiresAt: new Date(Date.now() - 2 * 86_400_000) });
    const live = await insertFlow(store().db, newFlowRow());
    expect(await sweepFlows(store().db)).toBeGreaterThanOrEqual(1);
    expect(await findFlowByInteraction(store().db, old.interactionUid)).toBeUndefined();
    expect(await findFlowByInteraction(store().db, live.interactionUid)).toBeDefined();
    const quiet = `name:${randomUUID()}`;
    const locked = `name:${randomUUID()}`;
    const longAgo = new Date(Date.now() - 2 * 86_400_000);
    await countFailure(store().db, quiet, longAgo);
    await countFailure(store().db, locked, longAgo);
    await setLockedUntil(store().db, locked, new Date(Date.now() + 3_600_000));
    await sweepLockouts(store().db);
    expect(await loadLockout(store().db, quiet)).toBeUndefined();
    expect((await loadLockout(store().db, locked))!.failures).toBe(1);
  });
});
