import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { StoreKind } from '../store/database.ts';
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limit.ts';
import { createClusterRateLimiter, type ClusterRateLimiter, type DrainedKeys } from './cluster-rate-limit.ts';
import { exchangeSpend, type OwnSpend, type WantedKey } from './cluster-rate-limit-repository.ts';

export type RateLimitScope = 'cluster' | 'node';

/** The node's limiters: every limit of the app is created here, so one sync serves them all. */
export interface RateLimiters {
  /** `cluster` on PostgreSQL unless configured `node`; always `node` on PGlite (one process). */
  readonly scope: RateLimitScope;
  /** A limiter; `name` (unique per node, e.g. `signin.ip`) keys its rows in the cluster table. */
  create(name: string, options: RateLimiterOptions): RateLimiter;
  /** Publishes this node's spend since the last sync and reads the others' (the timer calls it; tests may). */
  sync(): Promise<void>;
  /** Stops the timer after a last sync. */
  close(): Promise<void>;
}

export interface RateLimitersOptions {
  store: { kind: StoreKind; db: Kysely<DB> };
  /** Default `cluster` (LATCHKEY_RATE_LIMIT_SCOPE); ignored on PGlite. */
  scope?: RateLimitScope;
  /** How often spend is exchanged, when there was any (LATCHKEY_RATE_LIMIT_SYNC_MS, default 1000). */
  syncIntervalMs?: number;
  /** Nodes expected (LATCHKEY_NODE_COUNT_HINT): a floor for the node count before the others are seen. */
  nodeCountHint?: number;
  logger: { warn(obj: object, msg: string): void; info(msg: string): void };
  /** Run the sync timer (default true); tests call `sync()` with a fake clock instead. */
  timer?: boolean;
  /** Clock for the limiters and the peer list (tests). */
  now?: () => number;
  /** How long an exchange may take before the node limits on its own (default 5 intervals, at least 5 s). */
  exchangeTimeoutMs?: number;
  /** This node's id in the spend table (default: random per start). */
  nodeId?: string;
}

/** How long a node stays counted among the nodes sharing the limits after its last exchange. */
const PEER_TTL_MS = 5 * 60_000;

/**
 * The limiters of one node (ADR 0015). On PostgreSQL, each limiter keeps its counters in memory
 * and, every `syncIntervalMs` when there were takes, ONE statement publishes the node's spend per
 * key (and its heartbeat) and reads the other nodes' spend on the same keys, on every hot key, and
 * how many other nodes are alive. If that statement fails or hangs (`exchangeTimeoutMs`), the node
 * limits on its own (logged once) and tries again at the next interval once the database has
 * answered; no request ever waits for it.
 */
export function createRateLimiters(options: RateLimitersOptions): RateLimiters {
  const scope: RateLimitScope = options.store.kind === 'postgres' && (options.scope ?? 'cluster') === 'cluster' ? 'cluster' : 'node';
  if (scope === 'node') return { scope, create: (_name, o) => createRateLimiter(o), sync: async () => {}, close: async () => {} };

  const { store, logger, syncIntervalMs = 1000, nodeCountHint = 1, now = Date.now, nodeId = randomUUID() } = options;
  const exchangeTimeoutMs = options.exchangeTimeoutMs ?? Math.max(5_000, 5 * syncIntervalMs);
  const limiters = new Map<string, ClusterRateLimiter>();
  let peers = 0;
  let degraded = false;
  let running: Promise<void> | undefined;
  /** The exchange statement until the database answers, even after the node gave up waiting for it. */
  let statement: Promise<void> | undefined;
  const ctx = { syncIntervalMs, degraded: () => degraded, nodes: () => Math.max(nodeCountHint, 1 + peers) };

  const fail = (err: unknown, batches: ReadonlyArray<{ limiter: ClusterRateLimiter; drained: DrainedKeys }>) => {
    if (!degraded) logger.warn({ err }, 'rate limits: cannot exchange spend with the database; each node limits on its own until it can');
    degraded = true;
    for (const b of batches) b.limiter.settle(b.drained, null);
  };

  const exchange = async (): Promise<void> => {
    if (statement) return; // an earlier exchange still hangs (given up on): limit locally, start no second one
    const batches: Array<{ limiter: ClusterRateLimiter; drained: DrainedKeys }> = [];
    const own: OwnSpend[] = [];
    const wanted: WantedKey[] = [];
    for (const limiter of limiters.values()) {
      const d = limiter.drain();
      if (!d.drained.length) continue;
      batches.push({ limiter, drained: d.drained });
      for (const o of d.own) own.push(o);
      for (const k of d.wanted) wanted.push(k);
    }
    if (!batches.length) return;
    const pending = exchangeSpend(store.db, { nodeId, own, wanted, nowMs: now(), heartbeatMs: PEER_TTL_MS });
    statement = pending
      .then(
        () => {},
        () => {},
      )
      .finally(() => (statement = undefined));
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<null>((resolve) => (timeout = setTimeout(() => resolve(null), exchangeTimeoutMs)));
    try {
      const r = await Promise.race([pending, gaveUp]);
      if (r === null) return fail(new Error(`no answer in ${exchangeTimeoutMs} ms`), batches);
      peers = r.peers.length;
      for (const limiter of limiters.values()) {
        const drained = batches.find((b) => b.limiter === limiter)?.drained ?? [];
        const others = r.others.filter((o) => o.limiter === limiter.name);
        if (drained.length || others.length) limiter.settle(drained, others);
      }
      if (degraded) logger.info('rate limits: the database answers again; limits hold across the cluster');
      degraded = false;
    } catch (err) {
      fail(err, batches);
    } finally {
      clearTimeout(timeout);
    }
  };
  const sync = (): Promise<void> => (running ??= exchange().finally(() => (running = undefined)));
  const timer = options.timer === false ? undefined : setInterval(() => void sync(), syncIntervalMs);
  timer?.unref();

  return {
    scope,
    create(name, o) {
      if (limiters.has(name)) throw new Error(`rate limiter ${name} exists already`);
      const limiter = createClusterRateLimiter(name, { now, ...o }, ctx);
      limiters.set(name, limiter);
      return limiter;
    },
    sync,
    async close() {
      if (timer) clearInterval(timer);
      await running;
      await sync();
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The node's rate limiters (http/app.ts); sign-in routes create theirs here. */
    rateLimiters: RateLimiters;
  }
}

/** The app's limiters, or plain per-node ones for an app built without them. */
export function rateLimitersOf(app: FastifyInstance): Pick<RateLimiters, 'create'> {
  return app.hasDecorator('rateLimiters') ? app.rateLimiters : { create: (_name, o) => createRateLimiter(o) };
}
