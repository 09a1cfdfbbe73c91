import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { STORE_KINDS } from './support/stores.ts';
import { startTestServer, type TestServer } from './support/server.ts';

for (const kind of STORE_KINDS) {
  describe(`server boot [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    it('is live and ready with migrations current', async () => {
      expect((await server.api('/healthz', { token: null })).body).toEqual({ status: 'ok' });
      const ready = await server.api('/readyz', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', database: kind });
    });

    it('created the first Global Administrator', () => {
      expect(server.bootstrap.created).toBe(true);
      expect(server.bootstrap.userPrincipalName).toBe('admin@latchkey.local');
    });

    it('answers unknown routes with the Graph error shape', async () => {
      const r = await server.api('/api/v1/nope', { token: null });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('Request_ResourceNotFound');
    });
  });
}
