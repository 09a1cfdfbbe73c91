/**
 * The server's own answer time per route over a phase (`latchkey_http_request_duration_seconds`
 * from `/metrics`: Fastify's time from the request's arrival to the response's end): call before,
 * and call the result after. Against the load generator's end-to-end latency it shows how much of
 * a sign-in is spent inside the server (waiting for batches, the event loop) and how much outside
 * (the client, the sockets).
 */
export async function serverTimes(url: string, top = 6): Promise<() => Promise<string>> {
  const read = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const out = new Map<string, { sum: number; count: number }>();
    for (const m of text.matchAll(/^latchkey_http_request_duration_seconds_(sum|count)\{method="(\w+)",route="([^"]*)"\} ([\d.e+-]+)$/gm)) {
      const key = `${m[2]} ${m[3]}`;
      const e = out.get(key) ?? { sum: 0, count: 0 };
      e[m[1] === 'sum' ? 'sum' : 'count'] = Number(m[4]);
      out.set(key, e);
    }
    return out;
  };
  const before = await read();
  return async () => {
    const rows = [...(await read())]
      .map(([key, a]) => {
        const b = before.get(key) ?? { sum: 0, count: 0 };
        return { key, sum: a.sum - b.sum, count: a.count - b.count };
      })
      .filter((r) => r.count > 0 && !/\/metrics$/.test(r.key))
      .sort((x, y) => y.sum - x.sum)
      .slice(0, top);
    // "POST /signin/:uid/api/passkey/verify" → "POST passkey/verify": the method and the route's last two segments.
    return rows.map((r) => `${r.key.slice(0, r.key.indexOf(' '))} ${r.key.split('/').slice(-2).join('/')} ${((r.sum / r.count) * 1000).toFixed(1)}`).join(', ');
  };
}
