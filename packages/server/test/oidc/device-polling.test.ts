import { describe, expect, it } from 'vitest';
import { devicePolling, DEVICE_POLL_INTERVAL_SECONDS } from '../../src/oidc/device-polling.ts';
import { DEVICE_CODE_GRANT } from '../../src/oidc/clients.ts';

/** The pace of device polling (RFC 8628 §3.5) on fake Koa contexts and a fake clock; the real endpoint: device-flow.test.ts. */
describe('device code polling pace', () => {
  const poll = (code: string, error = 'authorization_pending') => ({
    method: 'POST',
    path: '/oidc/token',
    status: 400,
    body: { error, error_description: 'x' } as unknown,
    oidc: { params: { grant_type: DEVICE_CODE_GRANT, device_code: code } },
  });

  it('answers slow_down to a poll sooner than the interval (less a second), and the interval then grows by 5 s', async () => {
    let t = 1_000_000;
    const mw = devicePolling(() => t);
    const run = async (ctx: ReturnType<typeof poll>) => (await mw(ctx, async () => {}), (ctx.body as { error: string }).error);
    expect(await run(poll('a'))).toBe('authorization_pending'); // first poll
    t += 4_000; // 5 s less the jitter allowance: on time
    expect(await run(poll('a'))).toBe('authorization_pending');
    t += 3_999;
    expect(await run(poll('a'))).toBe('slow_down'); // now 10 s
    t += 8_999;
    expect(await run(poll('a'))).toBe('slow_down'); // now 15 s
    t += 14_000;
    expect(await run(poll('a'))).toBe('authorization_pending');
    expect(await run(poll('b'))).toBe('authorization_pending'); // another code has its own pace
  });

  it('never holds back an answer that is not "still waiting": tokens, access_denied, expired_token go out at once', async () => {
    const mw = devicePolling(() => 0);
    await mw(poll('c'), async () => {});
    for (const error of ['access_denied', 'expired_token', 'invalid_grant']) {
      const ctx = poll('c', error);
      await mw(ctx, async () => {});
      expect((ctx.body as { error: string }).error).toBe(error);
    }
    const ok = { ...poll('c'), status: 200, body: { access_token: 'x' } as unknown };
    await mw(ok, async () => {});
    expect(ok.body).toEqual({ access_token: 'x' });
  });

  it('announces the interval in the device authorization response, and leaves other routes alone', async () => {
    const mw = devicePolling();
    const da = { method: 'POST', path: '/oidc/devicecode', status: 200, body: { device_code: 'd', user_code: 'ABCD-EFGH' } as unknown };
    await mw(da, async () => {});
    expect(da.body).toEqual({ device_code: 'd', user_code: 'ABCD-EFGH', interval: DEVICE_POLL_INTERVAL_SECONDS });
    const other = { method: 'POST', path: '/oidc/token', status: 400, body: { error: 'authorization_pending' } as unknown, oidc: { params: { grant_type: 'authorization_code' } } };
    await mw(other, async () => {});
    await mw(other, async () => {});
    expect(other.body).toEqual({ error: 'authorization_pending' });
  });
});
