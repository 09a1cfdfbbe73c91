import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from '../../src/oidc/verified-token-cache.ts';

const now = Date.parse('2026-11-30T05:00:00Z');
const sec = (ms: number) => Math.floor(ms / 1000);

describe('verified access-token cache', () => {
  it('returns a verified payload for the exact same token text only', () => {
    const c = createVerifiedTokenCache(10);
    c.set('a.b.c', { sub: 'u', exp: sec(now) + 60 });
    expect(c.get('a.b.c', now)?.sub).toBe('u');
    expect(c.get('a.b.d', now)).toBeUndefined();
    expect(c.get('a.b.c ', now)).toBeUndefined();
  });

  it('forgets a token at its exp (the verifier then checks it again, with its clock tolerance)', () => {
    const c = createVerifiedTokenCache(10);
    c.set('t', { exp: sec(now) + 1 });
    expect(c.get('t', now)).toBeDefined();
    expect(c.get('t', now + 1000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('does not use a token before its nbf, nor one without exp', () => {
    const c = createVerifiedTokenCache(10);
    c.set('early', { exp: sec(now) + 60, nbf: sec(now) + 3 });
    c.set('noexp', { sub: 'x' });
    expect(c.get('early', now)).toBeUndefined();
    expect(c.get('noexp', now)).toBeUndefined();
  });

  it('is bounded: the oldest entry goes first', () => {
    const c = createVerifiedTokenCache(2);
    c.set('1', { exp: sec(now) + 60 });
    c.set('2', { exp: sec(now) + 60 });
    c.set('3', { exp: sec(now) + 60 });
    expect(c.size).toBe(2);
    expect(c.get('1', now)).toBeUndefined();
    expect(c.get('3', now)).toBeDefined();
  });

  it('clear() drops everything (signing keys changed), and size 0 disables it', () => {
    const c = createVerifiedTokenCache(5);
    c.set('1', { exp: sec(now) + 60 });
    c.clear();
    expect(c.get('1', now)).toBeUndefined();
    const off = createVerifiedTokenCache(0);
    off.set('1', { exp: sec(now) + 60 });
    expect(off.get('1', now)).toBeUndefined();
  });
});
