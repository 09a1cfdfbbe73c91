import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Authentication runs before body parsing and validation on every admin and /me route, so an
 * anonymous caller gets 401 for any request, never a validation message about a resource it
 * may not see.
 */
describe('admin API authenticates before it validates', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
  });
  afterAll(async () => s?.close());

  it('answers 401 to anonymous requests with malformed bodies on every /api/v1 operation', async () => {
    const doc = (await s.api('/openapi.json', { token: null })).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => [m.toUpperCase(), path] as const));
    expect(operations.length).toBeGreaterThan(50);
    const wrong: string[] = [];
    for (const [method, template] of operations) {
      const path = template.replace(/\{[^}]+\}/g, 'not-a-valid-id');
      const r = await s.api(`${path}?$top=nonsense`, { method, token: null, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{"truncated":' }) });
      if (r.status !== 401 || r.body?.error?.code !== 'InvalidAuthenticationToken') wrong.push(`${method} ${template} → ${r.status} ${r.body?.error?.code}`);
    }
    expect(wrong).toEqual([]);
  });
});
