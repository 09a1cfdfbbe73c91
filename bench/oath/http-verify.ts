import { hotp } from '../../packages/server/src/methods/oath/hotp.ts';
import { base32Decode } from '../../packages/server/src/methods/oath/base32.ts';
import { timeStep } from '../../packages/server/src/methods/oath/totp.ts';

/**
 * Verifications per second through `POST /users/{id}/authentication/verifyOathCode` from
 * `clients` concurrent connections, one valid current code per user (each accepted code writes
 * the replay high-water mark to the database). Counts anything but `{ok:true}` as an error.
 */
export async function verifyOverHttp(
  url: string,
  token: string,
  users: Array<{ id: string; secret: string }>,
  clients: number,
): Promise<{ perSecond: number; ok: number; failed: number; seconds: number }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const keys = users.map((u) => base32Decode(u.secret)!);
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= users.length) return;
      const code = hotp(keys[i]!, timeStep(Date.now(), 30));
      const r = await fetch(`${url}/api/v1/users/${users[i]!.id}/authentication/verifyOathCode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ code }),
      });
      const body = (await r.json()) as { ok?: boolean };
      if (r.status === 200 && body.ok) ok++;
      else failed++;
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - t) / 1000;
  return { perSecond: users.length / seconds, ok, failed, seconds };
}

/** The same harness against GET /oathSettings (token check + one small query): the server's request ceiling on this machine. */
export async function baselineOverHttp(url: string, token: string, requests: number, clients: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next++ < requests) {
      const r = await fetch(`${url}/api/v1/oathSettings`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`baseline request failed: ${r.status}`);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: clients }, worker));
  return requests / ((performance.now() - t) / 1000);
}
