import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/store/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, registerApp } from '../signin/support.ts';

/** Two real Latchkey nodes on one PostgreSQL database, as behind a load balancer ("any node can serve"). */
async function twoNodes(env: Record<string, string>): Promise<[TestServer, TestServer]> {
  const shared = { LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'), LATCHKEY_RATE_LIMIT_SYNC_MS: '100', ...env };
  const first = await startTestServer('postgres', shared);
  const url = (first.runtime.store as { url?: string }).url!;
  const second = await startTestServer('postgres', shared, {
    store: await openStore({ databaseUrl: url, dataDir: '/nonexistent', poolMax: 5 }),
  });
  return [first, second];
}

describe('cluster-wide rate limits across two real servers [postgres]', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await twoNodes({});
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the sign-in per-IP limit (300 a minute) spent on one node is refused on the other', async () => {
    expect([a.app.rateLimiters.scope, b.app.rateLimiters.scope]).toEqual(['cluster', 'cluster']);
    const onA = await beginSignIn(a, await registerApp(a));
    let acceptedOnA = 0;
    let refusedOnA: Awaited<ReturnType<typeof onA.post>> | undefined;
    while (!refusedOnA && acceptedOnA < 600) {
      for (const r of await Promise.all(Array.from({ length: 25 }, () => onA.post('start')))) {
        if (r.status === 200) acceptedOnA++;
        else refusedOnA ??= r;
      }
    }
    expect(acceptedOnA).toBeGreaterThanOrEqual(300);
    expect(refusedOnA!.status).toBe(429);

    // The same client IP on the other node: per node it would have 300 calls of its own; in the cluster it has none left.
    // B admits what it cannot know yet (until its first exchange, 100 ms here), then refuses.
    const onB = await beginSignIn(b, await registerApp(b));
    let acceptedOnB = 0;
    let refusedOnB: Awaited<ReturnType<typeof onB.post>> | undefined;
    while (!refusedOnB && acceptedOnB < 300) {
      const r = await onB.post('start');
      if (r.status === 200) acceptedOnB++;
      else refusedOnB = r;
    }
    expect(refusedOnB?.status).toBe(429);
    expect(refusedOnB!.body.error).toMatchObject({ code: 'Request_ThrottledTemporarily', details: { reason: 'tooManyAttempts' } });
    expect(refusedOnB!.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(acceptedOnB).toBeLessThan(300);
    const rows = await a.runtime.store.db
      .selectFrom('rate_limit_spend')
      .select(['node_id', 'spent'])
      .where('limiter', '=', 'signin.ip')
      .where('key', '=', 'ip:127.0.0.1')
      .execute();
    expect(new Set(rows.map((r) => r.node_id)).size).toBe(2); // both nodes published their spend
  });
});

describe('the API per-IP limit across two real servers [postgres]', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await twoNodes({ LATCHKEY_RATE_LIMIT_PER_MINUTE: '20', LATCHKEY_TRUSTED_PROXIES: '127.0.0.1' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('holds LATCHKEY_RATE_LIMIT_PER_MINUTE for a client whichever node it reaches', async () => {
    // A running cluster: each node has exchanged once, so each knows the other is there (heartbeat rows).
    const heartbeats = () => a.runtime.store.db.selectFrom('rate_limit_spend').select('node_id').where('limiter', '=', '').execute();
    await a.api('/healthz/nope', { token: null, headers: { 'x-forwarded-for': '198.51.100.1' } });
    await until(async () => (await heartbeats()).length === 1);
    await b.api('/healthz/nope', { token: null, headers: { 'x-forwarded-for': '198.51.100.1' } });
    await until(async () => (await heartbeats()).length === 2);

    const client = { 'x-forwarded-for': '203.0.113.77' }; // one client behind the load balancer
    const call = (node: TestServer, headers = client) => node.api('/api/v1/users', { token: null, headers });
    // On A, until A refuses for the window (remaining 0), not for its share of what is left until the next exchange (100 ms).
    let admittedOnA = 0;
    for (let i = 0; i < 100; i++) {
      const r = await call(a);
      if (r.status === 401)
        admittedOnA++; // counted, then refused for want of a token
      else if (r.headers.get('ratelimit-remaining') !== '0') await new Promise((done) => setTimeout(done, 150));
      else break;
    }
    expect(admittedOnA).toBe(20);
    // A publishes its spend at its next exchange; B is asked only once the table shows all of it
    // (on a loaded machine that exchange can lag, and B would then rightly grant a second share).
    const publishedByA = async () =>
      (
        await a.runtime.store.db
          .selectFrom('rate_limit_spend')
          .select((eb) => eb.fn.sum<string>('spent').as('spent'))
          .where('limiter', '=', 'api.ip')
          .where('key', 'like', '%203.0.113.77')
          .executeTakeFirst()
      )?.spent;
    await until(async () => Number(await publishedByA()) >= 20);

    // On B: at most B's share (20 / 2 nodes) before its exchange tells it what A spent, then refused for the window.
    let admittedOnB = 0;
    let refused: Awaited<ReturnType<TestServer['api']>> | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const r = await call(b);
      if (r.status === 401) admittedOnB++;
      else if (r.headers.get('ratelimit-remaining') !== '0') await new Promise((done) => setTimeout(done, 150));
      else refused = r;
    }
    expect(refused?.status).toBe(429);
    expect(refused!.body.error.code).toBe('Request_ThrottledTemporarily');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(1);
    expect(admittedOnB).toBeLessThanOrEqual(10);
    expect((await call(b, { 'x-forwarded-for': '203.0.113.78' })).status).toBe(401); // another client is not limited
  });
});

/** Polls `check` until it holds (at most 10 s): the nodes exchange every 100 ms here. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached in 10 s');
}
