import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { lazyChildLogger } from '../../src/http/lazy-child-logger.ts';
import { computeSecurityHeaders } from '../../src/http/security-headers.ts';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  const parent = pino({ level, redact: ['secret'] }, stream);
  let children = 0;
  const child = parent.child.bind(parent);
  parent.child = ((...a: Parameters<typeof child>) => (children++, child(...a))) as typeof parent.child;
  return { parent, lines, children: () => children };
}

describe('lazy per-request child logger', () => {
  it('builds no child for a request that logs nothing at the configured level', () => {
    const c = capture('warn');
    const log = lazyChildLogger(c.parent, { reqId: 'r1' });
    log.info({ req: 'x' }, 'incoming request');
    log.debug('noise');
    expect(c.children()).toBe(0);
    expect(c.lines).toEqual([]);
  });

  it('writes what a pino child writes: the bindings, redaction, message', async () => {
    const c = capture('info');
    const log = lazyChildLogger(c.parent, { reqId: 'r2' });
    log.warn({ secret: 'hunter2', n: 1 }, 'careful');
    log.info('second');
    await new Promise((r) => setImmediate(r));
    expect(c.children()).toBe(1);
    expect(c.lines).toMatchObject([
      { reqId: 'r2', secret: '[Redacted]', n: 1, msg: 'careful', level: 40 },
      { reqId: 'r2', msg: 'second', level: 30 },
    ]);
  });

  it("follows a route's own level over the parent's", async () => {
    const c = capture('warn');
    const log = lazyChildLogger(c.parent, { reqId: 'r3' }, { level: 'debug' });
    log.debug('route wants debug');
    await new Promise((r) => setImmediate(r));
    expect(c.lines).toMatchObject([{ reqId: 'r3', msg: 'route wants debug' }]);
    expect(log.isLevelEnabled('trace')).toBe(false);
  });
});

describe('security headers computed once', () => {
  it("are helmet's headers for our options (CSP directives, frame denial, no HSTS on http)", () => {
    const { set, removed } = computeSecurityHeaders({
      contentSecurityPolicy: { useDefaults: true, directives: { 'script-src': ["'self'"], 'frame-ancestors': ["'none'"] } },
      frameguard: { action: 'deny' },
      strictTransportSecurity: false,
    });
    const h = Object.fromEntries(set.map(([k, v]) => [k.toLowerCase(), v]));
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).toContain("script-src 'self'");
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['strict-transport-security']).toBeUndefined();
    expect(removed.map((x) => x.toLowerCase())).toContain('x-powered-by');
  });

  it('refuses invalid options at start-up, as helmet does', () => {
    expect(() => computeSecurityHeaders({ contentSecurityPolicy: { directives: { 'script-src': ["'self'; object-src *"] } } })).toThrow();
  });
});
