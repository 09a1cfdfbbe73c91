import type { RateDecision, RateLimiter, RateLimiterOptions } from './rate-limit.ts';
import type { OthersSpend, OwnSpend, WantedKey } from './cluster-rate-limit-repository.ts';

/**
 * One key's counters in a sliding window: this node's exact spend and the other nodes' last known
 * spend, in the current window (`w`) and the one before. `unsynced` is what this node admitted
 * since its last sync (capped, so the other nodes cannot be surprised by much).
 */
export interface KeyState {
  w: number;
  mine: number;
  minePrev: number;
  others: number;
  othersPrev: number;
  unsynced: number;
}

/** Keys drained for one sync: each key's state and what it had admitted since the last sync. */
export type DrainedKeys = Array<{ key: string; s: KeyState; unsynced: number }>;

/** What the node-wide sync (rate-limiters.ts) needs from each cluster limiter. */
export interface ClusterRateLimiter extends RateLimiter {
  readonly name: string;
  /** Takes the keys spent or reset since the last sync: the rows to publish and the keys to read back. */
  drain(): { own: OwnSpend[]; wanted: WantedKey[]; drained: DrainedKeys };
  /** Applies what the other nodes spent (null: the exchange failed; the keys are published again next time). */
  settle(drained: DrainedKeys, others: readonly OthersSpend[] | null): void;
}

export interface ClusterLimiterContext {
  /** How many nodes are known to share the limits (at least 1): the per-sync share is what is left / nodes. */
  nodes(): number;
  /** True while the database is unreachable: no per-sync allowance, the node limits alone. */
  degraded(): boolean;
  /** The sync interval, for the Retry-After of a key waiting for the next sync. */
  syncIntervalMs: number;
}

/**
 * A cluster-wide limiter with the interface of `createRateLimiter` (ADR 0015). It counts in a sliding
 * window (the previous window's spend weighted by how much of it still overlaps, plus the current
 * window's), which admits a burst of `limit` and then `limit` per window like the token bucket,
 * but adds up across nodes. A request is admitted when
 *
 *   (mine + others in the previous window) × (1 − elapsed fraction) + (mine + others now) + cost ≤ limit
 *
 * and, since its last sync, this node admitted at most its share of what was left then: ⌊left / nodes⌋,
 * but at least what refills in one sync interval (⌈limit × interval / window⌉). The share keeps the
 * nodes from spending the same remainder at once; it is what bounds the overshoot (ADR 0015).
 * `take` never waits on the database: `others` is what the last sync (about a second ago) read.
 */
export function createClusterRateLimiter(name: string, options: RateLimiterOptions, ctx: ClusterLimiterContext): ClusterRateLimiter {
  const { limit, windowMs = 60_000, maxKeys = 100_000, now = Date.now } = options;
  if (!(limit > 0) || !(windowMs > 0)) throw new RangeError('rate limiter needs limit > 0 and windowMs > 0');
  const keys = new Map<string, KeyState>();
  let dirty = new Map<string, KeyState>();

  const align = (s: KeyState, w: number): KeyState => {
    if (s.w === w) return s;
    const next = w === s.w + 1;
    s.minePrev = next ? s.mine : 0;
    s.othersPrev = next ? s.others : 0;
    s.mine = s.others = 0;
    s.w = w;
    return s;
  };
  const at = () => {
    const t = now();
    const w = Math.floor(t / windowMs);
    return { w, f: (t - w * windowMs) / windowMs };
  };
  const stateOf = (key: string, w: number): KeyState => {
    const s = keys.get(key) ?? dirty.get(key) ?? { w, mine: 0, minePrev: 0, others: 0, othersPrev: 0, unsynced: 0 };
    keys.delete(key); // re-inserted: Map order is the LRU order
    keys.set(key, s);
    if (keys.size > maxKeys) keys.delete(keys.keys().next().value!);
    return align(s, w);
  };
  const estimate = (s: KeyState, f: number) => (s.minePrev + s.othersPrev) * (1 - f) + s.mine + s.others;
  const decide = (s: KeyState, f: number, cost: number, allowed: boolean, est: number): RateDecision => ({
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(limit - est - (allowed ? cost : 0) + 1e-9)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(waitMs(s, f, cost, est) / 1000)),
  });
  /** When the estimate will let `cost` through: later in this window as the previous one fades, or in the next. */
  const waitMs = (s: KeyState, f: number, cost: number, est: number): number => {
    if (est + cost <= limit) return ctx.syncIntervalMs; // refused by the per-sync allowance only
    const prev = s.minePrev + s.othersPrev;
    const cur = s.mine + s.others;
    if (cur + cost <= limit && prev > 0) return (1 - (limit - cur - cost) / prev - f) * windowMs;
    if (cost > limit) return 2 * windowMs;
    return (1 - f) * windowMs + (cur > 0 ? Math.max(0, 1 - (limit - cost) / cur) * windowMs : 0);
  };

  return {
    name,
    take(key, cost = 1) {
      const { w, f } = at();
      const s = stateOf(key, w);
      const est = estimate(s, f);
      // This node's share of what was left at the last sync; never below what refills in a sync interval.
      const left = limit - (est - s.unsynced);
      const allowance = Math.max(Math.ceil((limit * ctx.syncIntervalMs) / windowMs), Math.floor(left / Math.max(1, ctx.nodes())));
      const allowed = est + cost <= limit + 1e-9 && (ctx.degraded() || s.unsynced + cost <= allowance);
      if (allowed) {
        s.mine += cost;
        s.unsynced += cost;
        dirty.set(key, s);
      }
      return decide(s, f, cost, allowed, est);
    },
    peek(key) {
      const { w, f } = at();
      const found = keys.get(key);
      const s = found ? align(found, w) : { w, mine: 0, minePrev: 0, others: 0, othersPrev: 0, unsynced: 0 };
      const est = estimate(s, f);
      return { ...decide(s, f, 1, est + 1 <= limit + 1e-9, est), remaining: Math.max(0, Math.floor(limit - est + 1e-9)) }; // nothing spent
    },
    reset(key) {
      const s = keys.get(key);
      if (!s) return;
      s.mine = s.minePrev = s.unsynced = 0; // published as 0 at the next sync; other nodes' spend stays
      dirty.set(key, s);
    },
    get size() {
      return keys.size;
    },
    drain() {
      const { f } = at();
      const own: OwnSpend[] = [];
      const wanted: WantedKey[] = [];
      const drained: DrainedKeys = [];
      for (const [key, s] of dirty) {
        const hot = estimate(s, f) >= limit / 2; // every node reads hot keys, even before serving them
        own.push({ limiter: name, key, windowIndex: s.w, spent: s.mine, hot, expiresAtMs: (s.w + 2) * windowMs });
        if (s.minePrev > 0)
          own.push({ limiter: name, key, windowIndex: s.w - 1, spent: s.minePrev, hot, expiresAtMs: (s.w + 1) * windowMs });
        wanted.push({ limiter: name, key });
        drained.push({ key, s, unsynced: s.unsynced });
      }
      dirty = new Map();
      return { own, wanted, drained };
    },
    settle(drained, others) {
      // The per-sync allowance starts again either way: after a failure the node limits alone (degraded).
      for (const d of drained) d.s.unsynced = Math.max(0, d.s.unsynced - d.unsynced);
      if (others === null) {
        for (const d of drained) if (!dirty.has(d.key)) dirty.set(d.key, d.s);
        return;
      }
      const { w } = at();
      // Every key read (the drained ones, and the hot ones of other nodes) gets the others' spend as of now; absent = 0.
      const read = new Map<string, { cur: number; prev: number }>(drained.map((d) => [d.key, { cur: 0, prev: 0 }]));
      for (const o of others) {
        const x = read.get(o.key) ?? { cur: 0, prev: 0 };
        read.set(o.key, x);
        if (o.windowIndex === w) x.cur = o.spent;
        else if (o.windowIndex === w - 1) x.prev = o.spent;
      }
      const drainedStates = new Map(drained.map((d) => [d.key, d.s]));
      for (const [key, x] of read) {
        const s = keys.get(key) ?? drainedStates.get(key) ?? (x.cur + x.prev > 0 ? stateOf(key, w) : undefined);
        if (!s) continue;
        align(s, w);
        s.others = x.cur;
        s.othersPrev = x.prev;
      }
    },
  };
}
