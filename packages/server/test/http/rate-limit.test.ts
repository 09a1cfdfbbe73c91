import { describe, expect, it } from 'vitest';
import { createRateLimiter, tooManyRequests } from '../../src/http/rate-limit.ts';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

describe('keyed rate limiter (token bucket)', () => {
  it('allows a burst of `limit`, then refuses with the time until the next token', () => {
    const c = clock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, now: c.now });
    expect([1, 2, 3].map(() => limiter.take('ip:1').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('ip:1');
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 20 });
    c.advance(19_000);
    expect(limiter.take('ip:1').allowed).toBe(false);
    c.advance(1_000);
    expect(limiter.take('ip:1')).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps keys apart, refills to at most `limit`, and forgets a key on reset', () => {
    const c = clock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 1_000, now: c.now });
    limiter.take('user:a');
    limiter.take('user:a');
    expect(limiter.take('user:a').allowed).toBe(false);
    expect(limiter.take('user:b').allowed).toBe(true);
    c.advance(3_600_000);
    expect(limiter.peek('user:a').remaining).toBe(2);
    limiter.take('user:a');
    limiter.reset('user:a');
    expect(limiter.peek('user:a').remaining).toBe(2);
  });

  it('charges a cost and says how long a costly request must wait', () => {
    const c = clock();
    const limiter = createRateLimiter({ limit: 10, windowMs: 10_000, now: c.now });
    expect(limiter.take('k', 8)).toMatchObject({ allowed: true, remaining: 2 });
    expect(limiter.take('k', 5)).toMatchObject({ allowed: false, remaining: 2, retryAfterSeconds: 3 });
  });

  it('bounds memory: the least recently used keys are forgotten beyond maxKeys', () => {
    const c = clock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100, now: c.now });
    limiter.take('first');
    for (let i = 0; i < 150; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBe(100);
    expect(limiter.take('first').allowed).toBe(true);
    expect(limiter.take('k149').allowed).toBe(false);
  });

  it('refuses nonsense settings, and builds the Graph throttling error', () => {
    expect(() => createRateLimiter({ limit: 0 })).toThrow(RangeError);
    const e = tooManyRequests({ allowed: false, limit: 1, remaining: 0, retryAfterSeconds: 7 });
    expect(e.status).toBe(429);
    expect(e.toBody()).toEqual({
      error: { code: 'Request_ThrottledTemporarily', message: 'Too many requests; retry in 7 s.', details: { retryAfterSeconds: 7 } },
    });
  });
});
