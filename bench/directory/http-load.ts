import { summarize, rssMiB } from '../support/stats.ts';

/**
 * Creates `total` users through `POST /api/v1/users` from `clients` concurrent clients and samples
 * the server's RSS while it runs. Every response must be 201; anything else aborts the run.
 */
export async function createUsersOverHttp(url: string, token: string, o: { total: number; clients: number; prefix: string; pid: number }) {
  let next = 0;
  const latencies: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => {
    void rssMiB(o.pid).then(
      (m) => (peakRss = Math.max(peakRss, m)),
      () => {},
    );
  }, 200);
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= o.total) return;
      const t0 = performance.now();
      const r = await fetch(`${url}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ userPrincipalName: `${o.prefix}${i}@load.example`, displayName: `Load ${i}` }),
      });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`POST /users answered ${r.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: o.clients }, client));
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: o.total / seconds, latency: summarize(latencies), peakRssMiB: Math.max(peakRss, await rssMiB(o.pid)) };
}

/** Latency of `GET /users/{id}/transitiveMemberOf` through the API, sequentially. */
export async function transitiveOverHttp(url: string, token: string, userIds: string[], samples: number) {
  const times: number[] = [];
  for (let i = 0; i < samples + 50; i++) {
    const t0 = performance.now();
    const r = await fetch(`${url}/api/v1/users/${userIds[i % userIds.length]}/transitiveMemberOf?$select=id&$top=999`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`transitiveMemberOf answered ${r.status}`);
    if (i >= 50) times.push(performance.now() - t0);
  }
  return summarize(times);
}
