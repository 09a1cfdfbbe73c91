import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';

/**
 * A small keyed rate limiter (token bucket per key), in memory, per node.
 *
 * Each key holds up to `limit` tokens and regains them at `limit` per `windowMs`, so a client may
 * burst to `limit` and then sustain `limit` per window. One limiter serves any key space: the API
 * limit per client IP today, per account / per user later (sign-in attempts, TAP redemptions, OATH
 * codes), e.g.:
 *
 *   const perAccount = createRateLimiter({ limit: 10, windowMs: 15 * 60_000 });
 *   const d = perAccount.take(`signin:${userId}`);
 *   if (!d.allowed) throw tooManyRequests(d);
 *
 * This limiter alone is per node: N nodes admit up to N × limit. On PostgreSQL the limits of
 * http/rate-limiters.ts hold across the cluster instead (cluster-rate-limit.ts, ADR 0015); this one
 * serves the embedded database and LATCHKEY_RATE_LIMIT_SCOPE=node. Lockouts live in the database.
 */
export interface RateLimiterOptions {
  /** Tokens per key (the burst), and how many are regained per window. */
  limit: number;
  /** Refill window in milliseconds (default 60 000). */
  windowMs?: number;
  /** Keys kept at most; the least recently used are forgotten beyond it (default 100 000). */
  maxKeys?: number;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until a request of the same cost would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Spends `cost` tokens (default 1) of `key`'s bucket when it has them. */
  take(key: string, cost?: number): RateDecision;
  /** Looks without spending. */
  peek(key: string): RateDecision;
  /** Forgets a key, e.g. after a successful sign-in. */
  reset(key: string): void;
  /** Keys currently tracked. */
  readonly size: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs = 60_000, maxKeys = 100_000, now = Date.now } = options;
  if (!(limit > 0) || !(windowMs > 0)) throw new RangeError('rate limiter needs limit > 0 and windowMs > 0');
  const perMs = limit / windowMs;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const current = (key: string): { tokens: number; at: number } => {
    const t = now();
    const b = buckets.get(key);
    if (!b) return { tokens: limit, at: t };
    buckets.delete(key); // re-inserted by the caller: Map order is the LRU order
    return { tokens: Math.min(limit, b.tokens + (t - b.at) * perMs), at: t };
  };
  const decide = (tokens: number, cost: number, allowed: boolean): RateDecision => ({
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(tokens)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / perMs / 1000)),
  });

  return {
    take(key, cost = 1) {
      const b = current(key);
      const allowed = b.tokens >= cost;
      if (allowed) b.tokens -= cost;
      buckets.set(key, b);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return decide(b.tokens, cost, allowed);
    },
    peek(key) {
      const b = buckets.get(key);
      const tokens = b ? Math.min(limit, b.tokens + (now() - b.at) * perMs) : limit;
      return decide(tokens, 1, tokens >= 1);
    },
    reset(key) {
      buckets.delete(key);
    },
    get size() {
      return buckets.size;
    },
  };
}

/** The 429 for a refused decision: Graph's throttling shape with Retry-After (entra-spec §8.1). */
export function tooManyRequests(d: RateDecision): ApiError {
  return new ApiError('Request_ThrottledTemporarily', `Too many requests; retry in ${d.retryAfterSeconds} s.`, {
    details: { retryAfterSeconds: d.retryAfterSeconds },
  });
}

/**
 * A Fastify `onRequest` hook that spends one token of `keyOf(request)` per request; a null key is
 * not limited. Sets `RateLimit-Limit`/`RateLimit-Remaining`, and `Retry-After` on a 429.
 */
export function rateLimitHook(limiter: RateLimiter, keyOf: (request: FastifyRequest) => string | null) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = keyOf(request);
    if (key === null) return;
    const d = limiter.take(key);
    reply.header('ratelimit-limit', String(d.limit));
    reply.header('ratelimit-remaining', String(d.remaining));
    if (!d.allowed) {
      reply.header('retry-after', String(d.retryAfterSeconds));
      throw tooManyRequests(d);
    }
  };
}
