import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const VERIFY = '/api/v1/auditLogs/verifyChain';

const expectErrorShape = (body: unknown, code: string) => {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
};

/** Raw fetch (the test helper always sends JSON). */
async function send(server: TestServer, path: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
}

describe('HTTP hardening [pglite]', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer('pglite', { LATCHKEY_BODY_LIMIT_BYTES: '2048' });
    auth = { authorization: `Bearer ${await server.token()}` };
  });
  afterAll(async () => server?.close());

  it('sends security headers on API, ops and error responses; no HSTS over http', async () => {
    for (const path of ['/healthz', '/api/v1/auditLogs/directoryAudits', '/api/v1/nope', '/openapi.json']) {
      const r = await send(server, path);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('answers an oversized body with 413 in the error shape', async () => {
    const r = await send(server, VERIFY, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ expectHead: 'x'.repeat(4096) }),
    });
    expect(r.status).toBe(413);
    expectErrorShape(r.body, 'Request_EntityTooLarge');
  });

  it('answers malformed JSON with 400 in the error shape, without echoing the body', async () => {
    for (const body of ['{"expectHead":', 'password=hunter2', '{"a":1}}', '']) {
      const r = await send(server, VERIFY, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
      expect(r.status, body).toBe(400);
      expectErrorShape(r.body, 'Request_BadRequest');
      expect(JSON.stringify(r.body)).not.toContain('hunter2');
    }
  });

  it('checks the bearer token before reading the body: anonymous callers get 401, not a validation error', async () => {
    const r = await send(server, VERIFY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"unknown": true' });
    expect(r.status).toBe(401);
    expectErrorShape(r.body, 'InvalidAuthenticationToken');
  });

  it('answers other content types with 415 in the error shape (text/plain included)', async () => {
    for (const type of ['application/xml', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
      const r = await send(server, VERIFY, { method: 'POST', headers: { ...auth, 'content-type': type }, body: '{}' });
      expect(r.status, type).toBe(415);
      expectErrorShape(r.body, 'Request_BadRequest');
    }
  });

  it('refuses NUL characters in bodies, path and query parameters with 400', async () => {
    const body = await send(server, VERIFY, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"expectHead":"1:\\u0000"}',
    });
    expect(body.status).toBe(400);
    expect((body.body as { error: { message: string } }).error.message).toMatch(/NUL/);
    const path = await send(server, '/api/v1/auditLogs/directoryAudits/abc%00def', { headers: auth });
    expect(path.status).toBe(400);
    expectErrorShape(path.body, 'Request_BadRequest');
    const query = await send(server, `/api/v1/auditLogs/directoryAudits?$filter=${encodeURIComponent("category eq 'a\u0000'")}`, {
      headers: auth,
    });
    expect(query.status).toBe(400);
  });

  it('gives every response a request-id and echoes client-request-id', async () => {
    const a = await send(server, '/healthz');
    const b = await send(server, '/healthz');
    expect(a.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('request-id')).not.toBe(b.headers.get('request-id'));
    const echoed = await send(server, '/api/v1/nope', {
      headers: { 'client-request-id': 'my-trace-0042', 'x-request-id': 'proxy-request-12345' },
    });
    expect(echoed.headers.get('client-request-id')).toBe('my-trace-0042');
    expect(echoed.headers.get('request-id')).toBe('proxy-request-12345');
    const junk = await send(server, '/healthz', { headers: { 'client-request-id': 'no spaces <script>' } });
    expect(junk.headers.get('client-request-id')).toBeNull();
  });

  it('exposes request counters and latency histograms by route template at /metrics', async () => {
    await send(server, '/api/v1/auditLogs/directoryAudits/00000000-0000-4000-8000-000000000000');
    const r = await send(server, '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = String(r.body);
    expect(text).toMatch(/latchkey_http_requests_total\{method="GET",route="\/healthz",status="2xx"\} [1-9]/);
    expect(text).toMatch(
      /latchkey_http_requests_total\{method="GET",route="\/api\/v1\/auditLogs\/directoryAudits\/:id",status="4xx"\} [1-9]/,
    );
    expect(text).toMatch(/latchkey_http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/healthz"\} [1-9]/);
    expect(text).toContain('latchkey_process_resident_memory_bytes');
  });
});

describe('HTTP hardening: HSTS over https', () => {
  it('sends Strict-Transport-Security when the public URL is https', async () => {
    const server = await startTestServer('pglite', { LATCHKEY_PUBLIC_URL: 'https://localhost:8443' });
    try {
      const r = await send(server, '/healthz');
      expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await server.close();
    }
  });
});

describe('HTTP hardening: rate limit', () => {
  it('answers 429 with Retry-After and the error shape once a client exceeds LATCHKEY_RATE_LIMIT_PER_MINUTE', async () => {
    const server = await startTestServer('pglite', { LATCHKEY_RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await send(server, '/api/v1/auditLogs/directoryAudits');
        statuses.push(r.status);
        expect(r.headers.get('ratelimit-remaining')).toBe(String(4 - i));
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const limited = await send(server, '/api/v1/auditLogs/directoryAudits');
      expect(limited.status).toBe(429);
      expectErrorShape(limited.body, 'Request_ThrottledTemporarily');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limited.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      // Probes are never limited.
      for (let i = 0; i < 10; i++) expect((await send(server, '/healthz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('HTTP hardening: rate limit behind a trusted proxy', () => {
  it('keys the limit on the client address the trusted proxy reports, not on the proxy', async () => {
    const server = await startTestServer('pglite', { LATCHKEY_RATE_LIMIT_PER_MINUTE: '2', LATCHKEY_TRUSTED_PROXIES: '127.0.0.1' });
    try {
      const from = (ip: string) => send(server, '/api/v1/nope', { headers: { 'x-forwarded-for': ip } });
      expect((await from('198.51.100.1')).status).toBe(404);
      expect((await from('198.51.100.1')).status).toBe(404);
      expect((await from('198.51.100.1')).status).toBe(429);
      expect((await from('198.51.100.2')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

for (const kind of STORE_KINDS) {
  describe(`/readyz [${kind}]`, () => {
    it('is 503 while migrations are pending, and 503 once the database is gone', async () => {
      const server = await startTestServer(kind);
      try {
        expect((await send(server, '/readyz')).status).toBe(200);
        const db = server.runtime.store.db;
        await sql`delete from latchkey_migration where name = (select max(name) from latchkey_migration)`.execute(db);
        const pending = await send(server, '/readyz');
        expect(pending.status).toBe(503);
        expect(pending.body).toMatchObject({ status: 'migrations pending', database: kind, pending: [expect.stringMatching(/^\d{4}_/)] });
        await server.runtime.store.close();
        const gone = await send(server, '/readyz');
        expect(gone.status).toBe(503);
        expect(gone.body).toEqual({ status: 'database unreachable', database: kind });
        expect((await send(server, '/healthz')).status).toBe(200);
      } finally {
        // The test closed the store itself: closing it again fails, after the app and before the data directory go.
        await server.close().catch(() => undefined);
      }
    });
  });
}
