import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, registerApp } from './support.ts';

describe('sign-in per-IP rate limit (in memory, per node)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(async () => server?.close());

  it('answers 429 tooManyAttempts with Retry-After seconds after 300 calls in a minute from one IP', async () => {
    const b = await beginSignIn(server, await registerApp(server));
    // The bucket holds 300 and refills at 5 per second, so a burst is refused shortly after 300.
    let accepted = 0;
    let refused: Awaited<ReturnType<typeof b.post>> | undefined;
    while (!refused && accepted < 600) {
      for (const r of await Promise.all(Array.from({ length: 25 }, () => b.post('start')))) {
        if (r.status === 200) accepted++;
        else refused ??= r;
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(refused!.status).toBe(429);
    expect(refused!.body.error).toMatchObject({ code: 'Request_ThrottledTemporarily', details: { reason: 'tooManyAttempts' } });
    expect(refused!.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
  });
});
