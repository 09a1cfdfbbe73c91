import { OIDC_ROUTES } from './provider.ts';
import { DEVICE_CODE_GRANT } from './clients.ts';

/**
 * Polling pace of the device code flow (RFC 8628 §3.2, §3.5), which oidc-provider leaves out:
 *
 * - the device authorization response announces `interval: 5` (seconds; Entra's value, and the
 *   RFC's default);
 * - a device that polls again sooner than its interval (less a second, for the network's
 *   jitter) while the code still waits gets `slow_down` instead of `authorization_pending`, and its
 *   interval grows by 5 seconds for the rest of the code's life, as the RFC tells the client to do.
 *
 * Only the waiting answer changes: an approved, denied or expired code is answered at once,
 * however fast the device asked. The pace is kept per node (a device that alternates nodes is
 * slowed by each one separately); the API's per-address rate limit bounds everything else.
 */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
const SLOWER_BY_SECONDS = 5;
const JITTER_MS = 1000;
/** A device code lives 900 s (provider.ts); pace entries older than that are dropped. */
const ENTRY_TTL_MS = 900_000;
/** Bounds the memory of a flood of codes (each is already limited per address): the oldest entry goes first. */
const MAX_ENTRIES = 100_000;

interface Pace {
  lastPollAt: number;
  intervalSeconds: number;
}

/** The Koa context parts the middleware reads and writes. */
interface Ctx {
  method: string;
  path: string;
  status: number;
  body: unknown;
  oidc?: { params?: Record<string, unknown> };
}

export function devicePolling(now: () => number = Date.now) {
  const paces = new Map<string, Pace>();
  let sweptAt = now();
  const sweep = (t: number) => {
    if (t - sweptAt < 60_000) return;
    sweptAt = t;
    for (const [code, p] of paces) if (t - p.lastPollAt > ENTRY_TTL_MS) paces.delete(code);
  };
  return async (ctx: Ctx, next: () => Promise<void>): Promise<void> => {
    await next();
    if (ctx.method !== 'POST') return;
    if (ctx.path === OIDC_ROUTES.device_authorization && ctx.status === 200 && isObject(ctx.body)) {
      ctx.body = { ...ctx.body, interval: DEVICE_POLL_INTERVAL_SECONDS };
      return;
    }
    const params = ctx.oidc?.params;
    if (ctx.path !== OIDC_ROUTES.token || params?.grant_type !== DEVICE_CODE_GRANT || typeof params.device_code !== 'string') return;
    if (!isObject(ctx.body) || (ctx.body as { error?: unknown }).error !== 'authorization_pending') return;
    const t = now();
    sweep(t);
    const code = params.device_code;
    const pace = paces.get(code);
    if (!pace) {
      paces.set(code, { lastPollAt: t, intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS });
      if (paces.size > MAX_ENTRIES) paces.delete(paces.keys().next().value!);
      return;
    }
    const early = t - pace.lastPollAt < pace.intervalSeconds * 1000 - JITTER_MS;
    pace.lastPollAt = t;
    if (!early) return;
    pace.intervalSeconds += SLOWER_BY_SECONDS;
    ctx.body = { error: 'slow_down', error_description: `poll at most every ${pace.intervalSeconds} seconds (RFC 8628 §3.5)` };
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Buffer.isBuffer(v);
