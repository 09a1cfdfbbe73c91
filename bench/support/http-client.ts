import { Agent, request } from 'node:http';

/**
 * A lean keep-alive HTTP/1.1 client for the load generator (node:http, no fetch overhead): the
 * bench shares the 2 cores with the server, so the client's own cost is kept small.
 */
export interface HttpAnswer {
  status: number;
  location: string | null;
  setCookie: string[];
  body: string;
}

export function createClient(base: string, sockets = 64) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const send = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
      const req = request({ host: url.hostname, port: url.port, method, path, headers: h, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const sc = res.headers['set-cookie'];
          resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, setCookie: sc ?? [], body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

export type Client = ReturnType<typeof createClient>;

/** Cookie jar of one simulated browser: name → value per path (paths are prefixes of the request path). */
export class Jar {
  private cookies = new Map<string, { value: string; path: string }>();
  store(setCookie: string[]): void {
    for (const line of setCookie) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const key = `${name}|${path}`;
      if (value === '' || attrs.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }
  header(pathname: string): string {
    let out = '';
    for (const [k, c] of this.cookies) if (pathname.startsWith(c.path)) out += `${out ? '; ' : ''}${k.slice(0, k.indexOf('|'))}=${c.value}`;
    return out;
  }
}

/** Path + query of a Location (absolute or relative) on the server. */
export const pathOf = (location: string, base: string): URL => new URL(location, base);
