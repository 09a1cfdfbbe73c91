import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { openStore, type Store } from '../../src/store/database.ts';
import { createRateLimiters, type RateLimiters, type RateLimitersOptions } from '../../src/http/rate-limiters.ts';
import { exchangeSpend } from '../../src/http/cluster-rate-limit-repository.ts';
import { runSweeps } from '../../src/jobs/housekeeping.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openTestStore, describeEachStore } from '../support/stores.ts';
import pino from 'pino';
import { sql } from 'kysely';
import * as m0019 from '../../src/store/migrations/0019_rate_limit_spend.ts';

const MINUTE = 60_000;
const silent = pino({ level: 'silent' });

let clocks = 0;
/** A fake clock at a window's start, hours away from any other test's (whose heartbeats would count as nodes). */
const clock = () => {
  let t = (1_000_000 + 1000 * clocks++) * MINUTE;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

/** A logger that keeps what it was told. */
const recorder = () => {
  const lines: string[] = [];
  return {
    lines,
    warn: (_o: object, msg: string) => void lines.push(`warn ${msg}`),
    info: (msg: string) => void lines.push(`info ${msg}`),
  };
};

const takeUntilRefused = (take: () => { allowed: boolean }, max = 1000): number => {
  let n = 0;
  while (n < max && take().allowed) n++;
  return n;
};

describe('cluster-wide rate limits: two nodes on one PostgreSQL database', () => {
  let first: Store & { url?: string };
  let second: Store;
  const open: RateLimiters[] = [];
  beforeAll(async () => {
    first = await openTestStore('postgres');
    second = await openStore({ databaseUrl: first.url!, dataDir: '/nonexistent', poolMax: 2 }); // another node's pool
  });
  afterAll(async () => {
    for (const l of open) await l.close();
    await second?.close();
    await first?.close();
  });
  let pairs = 0;
  /** Node A on the first pool and node B on the second, sharing one fake clock (new node ids each time). */
  const nodes = (c: ReturnType<typeof clock>, extra: Partial<RateLimitersOptions> = {}) => {
    const make = (store: Store, nodeId: string) => {
      const l = createRateLimiters({ store, logger: silent, timer: false, now: c.now, nodeId, ...extra });
      open.push(l);
      return l;
    };
    pairs++;
    return { a: make(first, `node-${pairs}a`), b: make(second, `node-${pairs}b`) };
  };

  it('a second node refuses a key once the first has spent its budget and the nodes have synced', async () => {
    const c = clock();
    const { a, b } = nodes(c);
    expect(a.scope).toBe('cluster');
    const onA = a.create('signin.account', { limit: 10, windowMs: MINUTE });
    const onB = b.create('signin.account', { limit: 10, windowMs: MINUTE });
    expect(onB.take('user:1').allowed).toBe(true); // B has served this account before
    await b.sync();
    expect(takeUntilRefused(() => onA.take('user:1'))).toBe(10); // A alone: its own budget (B's 1 is not known to A yet)
    await a.sync();
    await b.sync(); // nothing new from B: no statement, B still has to take to ask again
    const refused = onB.take('user:1'); // admitted on what B knew (its 1), then learned at the next sync
    await b.sync();
    expect(onB.take('user:1')).toMatchObject({ allowed: false, remaining: 0 });
    expect(onB.take('user:1').retryAfterSeconds).toBeGreaterThan(0);
    // Spent in all: A's 10, B's 2: one over the limit, within the bound ((nodes − 1) × the per-sync allowance).
    expect(refused.allowed).toBe(true);
    expect(onB.peek('user:1').allowed).toBe(false);
    expect(onB.take('user:2').allowed).toBe(true); // other keys are untouched
  });

  it('a node admits at most limit / nodes of a key between two syncs, and learns the other nodes from the rows', async () => {
    const c = clock();
    const { a } = nodes(c, { nodeCountHint: 2 });
    const onA = a.create('api.ip', { limit: 10, windowMs: MINUTE });
    expect(takeUntilRefused(() => onA.take('ip:1'))).toBe(5); // half of the 10 left
    expect(onA.take('ip:1')).toMatchObject({ allowed: false, retryAfterSeconds: 1 }); // wait for the next sync
    const perSync: number[] = [];
    for (let i = 0; i < 5; i++) {
      await a.sync();
      perSync.push(takeUntilRefused(() => onA.take('ip:1')));
    }
    expect(perSync).toEqual([2, 1, 1, 1, 0]); // half of what is left each time, at least the refill of an interval, until the 10 are spent

    // Without the hint, the node count comes from the nodes' heartbeats in the exchange.
    c.advance(10 * MINUTE); // the heartbeats above are over
    const d = nodes(c);
    const onC = d.a.create('api.ip', { limit: 12, windowMs: MINUTE });
    const onD = d.b.create('api.ip', { limit: 12, windowMs: MINUTE });
    expect(takeUntilRefused(() => onC.take('ip:first'))).toBe(12); // C has seen no other node yet
    onD.take('ip:9');
    await d.b.sync();
    await d.a.sync(); // C now knows D: 2 nodes, 6 per sync
    expect(takeUntilRefused(() => onC.take('ip:other'))).toBe(6);
  });

  it('holds the limit within the documented bound while two nodes take turns under attack for five windows', async () => {
    const c = clock();
    const { a, b } = nodes(c, { syncIntervalMs: 1000 });
    const limit = 60; // 1 per second
    const onA = a.create('signin.ip', { limit, windowMs: MINUTE });
    const onB = b.create('signin.ip', { limit, windowMs: MINUTE });
    // The cluster's true sliding-window count at a moment: every admission of both nodes, as one node would count them.
    const counts = new Map<number, number>();
    const trueEstimate = (ms: number) => {
      const w = Math.floor(ms / MINUTE);
      return (counts.get(w - 1) ?? 0) * (1 - (ms - w * MINUTE) / MINUTE) + (counts.get(w) ?? 0);
    };
    let admitted = 0;
    let worstAfterFirstMinute = 0;
    let worstFirstMinute = 0;
    for (let ms = 0; ms < 5 * MINUTE; ms += 50) {
      // 20 requests per second at each node, and each node syncs once a second (B half a second after A).
      for (const l of [onA, onB]) {
        if (!l.take('ip:attacker').allowed) continue;
        admitted++;
        counts.set(Math.floor(ms / MINUTE), (counts.get(Math.floor(ms / MINUTE)) ?? 0) + 1);
        if (ms < MINUTE) worstFirstMinute = Math.max(worstFirstMinute, trueEstimate(ms));
        else worstAfterFirstMinute = Math.max(worstAfterFirstMinute, trueEstimate(ms));
      }
      if (ms % 1000 === 0) await a.sync();
      if (ms % 1000 === 500) await b.sync();
      c.advance(50);
    }
    // Overshoot bound (ADR 0015), once the nodes know each other: (nodes − 1) × 2 sync intervals × a node's share per
    // interval, which near the limit is ⌈rate × interval⌉ = 1, or 2 while 4 or more are left: 60 + 4. At the first
    // contact each node may admit what it thinks is left (limit / the nodes it knows) before it has seen the other's spend.
    expect(worstAfterFirstMinute).toBeLessThanOrEqual(limit + 4);
    expect(worstFirstMinute).toBeLessThanOrEqual(limit + limit / 2);
    // …and it does not starve the key: about the limit per window is admitted over the run.
    expect(admitted).toBeGreaterThanOrEqual(5 * limit - 5);
    expect(admitted).toBeLessThanOrEqual(5 * limit + limit / 2 + 3);
  });

  it('rolls windows over: the previous window fades on every node, and two windows later the key is fresh', async () => {
    const c = clock();
    const { a, b } = nodes(c);
    const onA = a.create('signin.ip', { limit: 20, windowMs: MINUTE });
    const onB = b.create('signin.ip', { limit: 20, windowMs: MINUTE });
    onB.take('ip:7');
    await b.sync();
    expect(takeUntilRefused(() => onA.take('ip:7'))).toBe(20);
    await a.sync();
    onB.take('ip:7');
    await b.sync(); // B: 2 of its own, 20 of A's in this window
    expect(onB.take('ip:7').allowed).toBe(false);
    c.advance(MINUTE + MINUTE / 4); // the next window, a quarter in: (2 + 20) × 0.75 = 16.5 still counts
    expect(onB.peek('ip:7').remaining).toBe(3);
    let admitted = 0;
    for (let i = 0; i < 5; i++, await b.sync()) admitted += takeUntilRefused(() => onB.take('ip:7')); // B's share: half of what is left, at least 1
    expect(admitted).toBe(3);
    c.advance(2 * MINUTE);
    expect(onB.peek('ip:7').remaining).toBe(20);
    await b.sync();
    await a.sync();
    expect(onA.peek('ip:7').remaining).toBe(20);
  });

  it('a key hot on one node is known to every node that exchanges, before its first request there', async () => {
    const c = clock();
    const { a, b } = nodes(c);
    const onA = a.create('signin.ip', { limit: 10, windowMs: MINUTE });
    const onB = b.create('signin.ip', { limit: 10, windowMs: MINUTE });
    for (let i = 0; i < 4; i++) onA.take('ip:lukewarm');
    for (let i = 0; i < 7; i++) onA.take('ip:hot'); // at half its limit or more: published as hot
    await a.sync();
    onB.take('ip:unrelated'); // B exchanges when it had any request
    await b.sync();
    expect(onB.peek('ip:hot').remaining).toBe(3);
    expect(onB.peek('ip:lukewarm').remaining).toBe(10); // learned at B's first request for it, like any key
    expect(takeUntilRefused(() => onB.take('ip:hot'))).toBe(1); // B's share: half of the 3 left
  });

  it("reset() clears this node's spend on a key for every node at the next syncs", async () => {
    const c = clock();
    const { a, b } = nodes(c);
    const onA = a.create('signin.account', { limit: 10, windowMs: MINUTE });
    const onB = b.create('signin.account', { limit: 10, windowMs: MINUTE });
    onB.take('user:r');
    await b.sync();
    for (let i = 0; i < 6; i++) onA.take('user:r');
    await a.sync();
    onB.take('user:r');
    await b.sync();
    expect(onB.peek('user:r').remaining).toBe(2); // 2 of B's, 6 of A's
    onA.reset('user:r');
    expect(onA.peek('user:r').remaining).toBe(9); // A forgot its own 6; B's 1 (as A last read it) stays
    await a.sync();
    onB.take('user:r');
    await b.sync();
    expect(onB.peek('user:r').remaining).toBe(7); // only B's 3 are left
  });

  it('falls back to per-node limits when the database is unreachable, logs it once, and recovers', async () => {
    const target = new URL(first.url!);
    const proxy = await tcpProxy(Number(target.port), target.hostname);
    const viaProxy = new URL(first.url!);
    viaProxy.port = String(proxy.port);
    const flaky = await openStore({ databaseUrl: viaProxy.toString(), dataDir: '/nonexistent', poolMax: 2 });
    const log = recorder();
    const c = clock();
    const node = createRateLimiters({ store: flaky, logger: log, timer: false, now: c.now, nodeId: 'node-flaky', nodeCountHint: 2 });
    try {
      const l = node.create('signin.ip', { limit: 10, windowMs: MINUTE });
      expect(takeUntilRefused(() => l.take('ip:f'))).toBe(5);
      await node.sync();
      expect(log.lines).toEqual([]);
      expect(takeUntilRefused(() => l.take('ip:f'))).toBe(2); // half of the 5 left until the next sync
      await proxy.stop(); // the database is gone
      await node.sync();
      expect(takeUntilRefused(() => l.take('ip:f'))).toBe(3); // on its own: the rest of the local limit at once
      await node.sync();
      expect(log.lines).toEqual(['warn rate limits: cannot exchange spend with the database; each node limits on its own until it can']);
      expect(l.take('ip:g')).toMatchObject({ allowed: true }); // never fails a request
      c.advance(3 * MINUTE);
      expect(takeUntilRefused(() => l.take('ip:f'))).toBe(10); // the local limit, without the per-sync allowance
      await proxy.start();
      await node.sync();
      expect(log.lines.slice(1)).toEqual(['info rate limits: the database answers again; limits hold across the cluster']);
      const rows = await first.db
        .selectFrom('rate_limit_spend')
        .select(['key', 'spent'])
        .where('node_id', '=', 'node-flaky')
        .where('key', '=', 'ip:f')
        .execute();
      expect(rows.map((r) => r.spent)).toContain(10); // the spend made while offline was published
    } finally {
      await node.close();
      await flaky.close();
      await proxy.stop();
    }
  });
});

describe('cluster-wide rate limits when the database hangs [postgres]', () => {
  it('gives up on an exchange that does not answer, limits locally, starts no second one, and recovers', async () => {
    const direct = await openTestStore('postgres');
    const target = new URL(direct.url!);
    const proxy = await tcpProxy(Number(target.port), target.hostname);
    const viaProxy = new URL(direct.url!);
    viaProxy.port = String(proxy.port);
    const flaky = await openStore({ databaseUrl: viaProxy.toString(), dataDir: '/nonexistent', poolMax: 2 });
    const log = recorder();
    const c = clock();
    const node = createRateLimiters({
      store: flaky,
      logger: log,
      timer: false,
      now: c.now,
      nodeId: 'node-hang',
      nodeCountHint: 2,
      exchangeTimeoutMs: 200,
    });
    try {
      const l = node.create('signin.ip', { limit: 10, windowMs: MINUTE });
      expect(takeUntilRefused(() => l.take('ip:h'))).toBe(5);
      await node.sync();
      await proxy.hole(); // the database stops answering
      expect(takeUntilRefused(() => l.take('ip:h'))).toBe(2);
      await node.sync(); // returns after exchangeTimeoutMs
      expect(log.lines).toEqual(['warn rate limits: cannot exchange spend with the database; each node limits on its own until it can']);
      expect(takeUntilRefused(() => l.take('ip:h'))).toBe(3); // local limit, no share
      await node.sync(); // the first statement still hangs: no second one, no second warning
      expect(log.lines).toHaveLength(1);
      await proxy.heal();
      for (let i = 0; i < 100 && log.lines.length < 2; i++) {
        l.take('ip:other');
        await node.sync();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(log.lines[1]).toBe('info rate limits: the database answers again; limits hold across the cluster');
      const rows = await direct.db
        .selectFrom('rate_limit_spend')
        .select('spent')
        .where('node_id', '=', 'node-hang')
        .where('key', '=', 'ip:h')
        .execute();
      expect(rows.map((r) => r.spent)).toEqual([10]);
    } finally {
      await node.close();
      await proxy.stop(); // cuts any connection still hanging, so closing the pool cannot wait for it
      await flaky.close();
      await direct.close();
    }
  });
});

describeEachStore('rate limit spend rows', (store) => {
  it('are swept by housekeeping once their windows are over', async () => {
    const { db } = store();
    const t = Date.now();
    const own = [
      { limiter: 'api.ip', key: 'old', windowIndex: 1, spent: 3, hot: false, expiresAtMs: t - 1000 },
      { limiter: 'api.ip', key: 'live', windowIndex: 1, spent: 4, hot: false, expiresAtMs: t + MINUTE },
    ];
    await exchangeSpend(db, { nodeId: 'node-x', own, wanted: [], nowMs: t - 2000, heartbeatMs: 500 });
    const r = await exchangeSpend(db, {
      nodeId: 'node-y',
      own: [],
      wanted: [
        { limiter: 'api.ip', key: 'live' },
        { limiter: 'api.ip', key: 'old' },
      ],
      nowMs: t,
      heartbeatMs: MINUTE,
    });
    expect(r).toEqual({ others: [{ limiter: 'api.ip', key: 'live', windowIndex: 1, spent: 4, nodes: ['node-x'] }], peers: [] }); // old row and heartbeat expired
    const deleted = await runSweeps(db, silent);
    expect(deleted.rateLimitSpend).toBeGreaterThanOrEqual(1);
    const left = await db
      .selectFrom('rate_limit_spend')
      .select('key')
      .where('node_id', 'in', ['node-x', 'node-y'])
      .orderBy('key')
      .execute();
    expect(left.map((x) => x.key)).toEqual(['', 'live']); // node-y's heartbeat and the live row
  });

  it('are used only on PostgreSQL with the cluster scope (PGlite: one process, plain per-node limits)', async () => {
    const s = store();
    const l = createRateLimiters({ store: s, logger: silent, timer: false });
    expect(l.scope).toBe(s.kind === 'postgres' ? 'cluster' : 'node');
    expect(createRateLimiters({ store: s, scope: 'node', logger: silent, timer: false }).scope).toBe('node');
    await l.close();
  });
});

describeEachStore('migration 0019 (rate_limit_spend)', (store) => {
  const shape = async () => {
    const db = store().db;
    const table = (
      await sql<{
        relpersistence: string;
        reloptions: string[] | null;
      }>`select relpersistence, reloptions from pg_class where relname = 'rate_limit_spend'`.execute(db)
    ).rows[0];
    const indexes = (
      await sql<{ indexdef: string }>`select indexdef from pg_indexes where tablename = 'rate_limit_spend' order by indexname`.execute(db)
    ).rows.map((r) => r.indexdef);
    return { table, indexes };
  };

  it('makes an unlogged table with room for HOT updates and a partial index of hot keys; down removes it, up restores it', async () => {
    const before = await shape();
    expect(before.table).toEqual({ relpersistence: 'u', reloptions: ['fillfactor=70'] });
    expect(before.indexes).toHaveLength(2);
    expect(before.indexes[0]).toMatch(/rate_limit_spend_hot .*\(limiter, key\) WHERE hot/);
    expect(before.indexes[1]).toMatch(/UNIQUE INDEX rate_limit_spend_pkey .*\(limiter, key, window_index, node_id\)/);
    await m0019.down(store().db);
    expect((await shape()).table).toBeUndefined();
    await m0019.up(store().db);
    expect(await shape()).toEqual(before);
  });
});

describe('rate limit configuration', () => {
  it('defaults to cluster scope with a one-second sync, and refuses other values', () => {
    expect(loadConfig({}, '/srv')).toMatchObject({ rateLimitScope: 'cluster', rateLimitSyncMs: 1000 });
    expect(loadConfig({ LATCHKEY_RATE_LIMIT_SCOPE: 'node', LATCHKEY_RATE_LIMIT_SYNC_MS: '250' }, '/srv')).toMatchObject({
      rateLimitScope: 'node',
      rateLimitSyncMs: 250,
    });
    expect(() => loadConfig({ LATCHKEY_RATE_LIMIT_SCOPE: 'global' }, '/srv')).toThrow(
      /LATCHKEY_RATE_LIMIT_SCOPE must be one of cluster, node/,
    );
    expect(() => loadConfig({ LATCHKEY_RATE_LIMIT_SYNC_MS: '10' }, '/srv')).toThrow(
      /LATCHKEY_RATE_LIMIT_SYNC_MS must be an integer from 100/,
    );
  });
});

/**
 * A TCP proxy to PostgreSQL that can be stopped (the database "goes away": connections cut, new ones
 * refused), started again, or turned into a black hole (connections accepted, nothing ever answered).
 */
async function tcpProxy(targetPort: number, targetHost: string) {
  let server: Server | undefined;
  let port = 0;
  let mode: 'forward' | 'hole' = 'forward';
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        track(client);
        if (mode === 'hole') return;
        const upstream = connect(targetPort, targetHost);
        track(upstream);
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  /** Cuts every connection; lets the pool see them close first (a query on a connection that dies under it is pg's own race). */
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      setTimeout(resolve, 100);
    });
  const stop = async () => {
    await cut();
    if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
  };
  await start();
  return {
    get port() {
      return port;
    },
    start,
    stop,
    /** From now on connections hang; existing ones are cut. */
    hole: async () => {
      mode = 'hole';
      await cut();
    },
    /** Connections work again; the hanging ones are cut (as a healed network resets them). */
    heal: async () => {
      mode = 'forward';
      await cut();
    },
  };
}
