import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrincipalCache } from '../../src/oidc/principal-cache.ts';
import { describeEachStore } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { openStore } from '../../src/store/database.ts';
import { ROLE } from '../../src/directory/roles.ts';

const subject = (id: string, enabled = true) => ({ id, displayName: id, enabled });

describe('principal cache (token subjects)', () => {
  it('serves a read until its ttl, then misses', () => {
    const c = createPrincipalCache({ ttlMs: 1000, maxEntries: 10 });
    c.set('user:a', subject('a'), 0, c.mark);
    expect(c.get('user:a', 999)?.subject?.id).toBe('a');
    expect(c.get('user:a', 1000)).toBeUndefined();
  });

  it('caches "not found" too, and evict(id) drops both the user and the service principal entry', () => {
    const c = createPrincipalCache({ ttlMs: 1000, maxEntries: 10 });
    c.set('user:x', undefined, 0, c.mark);
    c.set('servicePrincipal:x', subject('x'), 0, c.mark);
    expect(c.get('user:x', 1)).toEqual({ subject: undefined, at: 0 });
    c.evict('x');
    expect(c.get('user:x', 1)).toBeUndefined();
    expect(c.get('servicePrincipal:x', 1)).toBeUndefined();
  });

  it('ignores a read that started before an eviction (it may predate the change)', () => {
    const c = createPrincipalCache({ ttlMs: 1000, maxEntries: 10 });
    const mark = c.mark;
    c.evict('a'); // the account is disabled while the read is in flight
    c.set('user:a', subject('a', true), 0, mark);
    expect(c.get('user:a', 1)).toBeUndefined();
  });

  it('is bounded, and ttl 0 disables it', () => {
    const c = createPrincipalCache({ ttlMs: 1000, maxEntries: 2 });
    for (const id of ['1', '2', '3']) c.set(`user:${id}`, subject(id), 0, c.mark);
    expect(c.size).toBe(2);
    expect(c.get('user:1', 1)).toBeUndefined();
    const off = createPrincipalCache({ ttlMs: 0, maxEntries: 2 });
    off.set('user:1', subject('1'), 0, off.mark);
    expect(off.size).toBe(0);
  });
});

/**
 * Two nodes on one database: a token used on node B (its subject now cached there) stops working
 * on B when node A disables the account — through the trigger's NOTIFY, since B's code never saw
 * the change — and on A at once (its own repository signalled it).
 */
for (const kind of STORE_KINDS.filter((k) => k === 'postgres')) {
  describe(`principal changes reach every node [${kind}]`, () => {
    let a: TestServer;
    let b: TestServer;
    beforeAll(async () => {
      a = await startTestServer(kind);
      const url = (a.runtime.store as { url?: string }).url!;
      b = await startTestServer(kind, { LATCHKEY_MASTER_KEY: a.config.masterKey!, LATCHKEY_PUBLIC_URL: a.config.publicUrl.origin }, { store: await openStore({ databaseUrl: url, dataDir: '/nonexistent', poolMax: 4 }) });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it('disabling a user on node A ends its token on A at once and on B at commit', async () => {
      const created = await a.api('/api/v1/users', { body: { displayName: 'Nina Node', userPrincipalName: `nina.${kind}@latchkey.local`, accountEnabled: true, mailNickname: 'nina' } });
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      const assigned = await a.api('/api/v1/roleManagement/directory/roleAssignments', { body: { principalId: id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' } });
      expect(assigned.status).toBe(201);
      const token = await a.token({ userPrincipalName: `nina.${kind}@latchkey.local` });
      for (let i = 0; i < 3; i++) expect(await b.api('/api/v1/users?$top=1', { token })).toMatchObject({ status: 200 });
      expect((await a.api('/api/v1/users?$top=1', { token })).status).toBe(200);

      expect((await a.api(`/api/v1/users/${id}`, { method: 'PATCH', body: { accountEnabled: false } })).status).toBe(204);
      expect((await a.api('/api/v1/users?$top=1', { token })).status).toBe(401);
      await vi.waitFor(async () => expect((await b.api('/api/v1/users?$top=1', { token })).status).toBe(401), { timeout: 5_000, interval: 25 });
    });
  });
}

describeEachStore('migration 0014 trigger', (store) => {
  it('NOTIFYs latchkey_principal_changed with the id when a user row is updated or deleted', async () => {
    const heard: string[] = [];
    const stop = await store().listen('latchkey_principal_changed', (id) => heard.push(id));
    const id = crypto.randomUUID();
    const now = new Date();
    const db = store().db;
    await db.insertInto('users').values({ id, user_principal_name: `t.${id}@latchkey.local`, display_name: 'T', given_name: null, surname: null, mail: null, mail_nickname: 't', job_title: null, department: null, created_at: now, updated_at: now }).execute();
    await db.updateTable('users').set({ display_name: 'T2' }).where('id', '=', id).execute();
    await vi.waitFor(() => expect(heard).toEqual([id]), { timeout: 5_000, interval: 20 });
    await db.deleteFrom('users').where('id', '=', id).execute();
    await vi.waitFor(() => expect(heard).toEqual([id, id]), { timeout: 5_000, interval: 20 });
    await stop();
  });
});
