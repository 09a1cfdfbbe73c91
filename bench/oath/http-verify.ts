import { hotp } from '../../packages/server/src/methods/oath/hotp.ts';
import { base32Decode } from '../../packages/server/src/methods/oath/base32.ts';
import { timeStep } from '../../packages/server/src/methods/oath/totp.ts';
import { createClient } from '../support/http-client.ts';
import { cpuSeconds } from '../support/stats.ts';

/** Where an HTTP phase's CPU went: the server process and (when known) PostgreSQL, per request. */
export interface HttpPhase {
  perSecond: number;
  ok: number;
  failed: number;
  seconds: number;
  /** Server CPU microseconds per request. */
  serverUs: number;
  /** PostgreSQL CPU microseconds per request (postmaster and backends); null when not measured. */
  dbUs: number | null;
}

export interface Probe {
  serverPid: number;
  /** CPU seconds of the database server so far, if it is a separate process tree. */
  dbCpu?: () => number;
}

/** Runs `count` requests from `clients` workers over a lean keep-alive client (node:http; the load generator shares the cores). */
async function measure(url: string, probe: Probe, count: number, clients: number, one: (http: ReturnType<typeof createClient>, i: number) => Promise<boolean>): Promise<HttpPhase> {
  const http = createClient(url, clients);
  let next = 0;
  let ok = 0;
  let failed = 0;
  const cpu0 = await cpuSeconds(probe.serverPid);
  const db0 = probe.dbCpu?.() ?? 0;
  const t = performance.now();
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = next++; i < count; i = next++) {
          if (await one(http, i)) ok++;
          else failed++;
        }
      }),
    );
  } finally {
    http.close();
  }
  const seconds = (performance.now() - t) / 1000;
  const server = (await cpuSeconds(probe.serverPid)) - cpu0;
  const db = probe.dbCpu ? probe.dbCpu() - db0 : null;
  return { perSecond: count / seconds, ok, failed, seconds, serverUs: (server * 1e6) / count, dbUs: db === null ? null : (db * 1e6) / count };
}

/**
 * Verifications per second through `POST /users/{id}/authentication/verifyOathCode` from
 * `clients` concurrent connections, one valid current code per user (each accepted code writes
 * the replay high-water mark to the database). Counts anything but `{ok:true}` as an error.
 */
export function verifyOverHttp(url: string, token: string, users: Array<{ id: string; secret: string }>, clients: number, probe: Probe): Promise<HttpPhase> {
  const keys = users.map((u) => base32Decode(u.secret)!);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return measure(url, probe, users.length, clients, async (http, i) => {
    const code = hotp(keys[i]!, timeStep(Date.now(), 30));
    const r = await http.send('POST', `/api/v1/users/${users[i]!.id}/authentication/verifyOathCode`, headers, JSON.stringify({ code }));
    return r.status === 200 && (JSON.parse(r.body) as { ok?: boolean }).ok === true;
  });
}

/** The same harness against GET /oathSettings (token check + one small query): the server's request ceiling on this machine. */
export function baselineOverHttp(url: string, token: string, requests: number, clients: number, probe: Probe): Promise<HttpPhase> {
  const headers = { authorization: `Bearer ${token}` };
  return measure(url, probe, requests, clients, async (http) => (await http.send('GET', '/api/v1/oathSettings', headers)).status === 200);
}
