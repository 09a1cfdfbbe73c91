import { connect, type Socket } from 'node:net';

/**
 * The load generator's HTTP/1.1 client: keep-alive connections over raw sockets, one request at a
 * time per connection, a request written as one string and the response read by a small parser
 * (status line, the headers the bench needs, a `content-length` or chunked body).
 *
 * Why not node:http: the bench shares the machine's 2 cores with the server and PostgreSQL, so
 * whatever the client spends is taken from what is measured. node:http's client costs about
 * 50 µs of CPU per request here (agent, header objects, streams); this one about a third of that
 * (docs/benchmarks/passkey-signin.md). It speaks plain HTTP/1.1 to the real server, like wrk or
 * h2load would; it is a bench tool, not a general client (no TLS, no `Expect`, no upgrades).
 */
export interface HttpAnswer {
  status: number;
  location: string | null;
  setCookie: string[];
  body: string;
}

interface Pending {
  resolve: (a: HttpAnswer) => void;
  reject: (e: Error) => void;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** Parses one response from `buf`; returns it and the bytes it used, or null if `buf` holds less than a whole response. */
export function parseResponse(buf: Buffer): { answer: HttpAnswer; used: number; close: boolean } | null {
  const head = buf.indexOf(CRLF2);
  if (head < 0) return null;
  const lines = buf.toString('latin1', 0, head).split('\r\n');
  const status = Number(lines[0]!.slice(9, 12));
  if (!/^HTTP\/1\.[01] \d{3}/.test(lines[0]!)) throw new Error(`not an HTTP/1.x response: ${lines[0]!.slice(0, 80)}`);
  let length = -1;
  let chunked = false;
  let close = lines[0]!.startsWith('HTTP/1.0');
  let location: string | null = null;
  const setCookie: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
    else if (name === 'set-cookie') setCookie.push(value);
    else if (name === 'location') location = value;
    else if (name === 'connection') close = value.toLowerCase() === 'close';
  }
  let at = head + 4;
  // RFC 9112 §6.3: no body for 1xx, 204 and 304.
  if (status === 204 || status === 304 || status < 200) return { answer: { status, location, setCookie, body: '' }, used: at, close };
  if (chunked) {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) return null;
      const size = parseInt(buf.toString('latin1', at, eol).split(';')[0]!, 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      if (size === 0) {
        // The last chunk, then optional trailers and an empty line: "0\r\n\r\n" without trailers.
        const end = buf.indexOf(CRLF2, eol);
        if (end < 0) return null;
        return { answer: { status, location, setCookie, body: Buffer.concat(parts).toString('utf8') }, used: end + 4, close };
      }
      if (buf.length < eol + 2 + size + 2) return null;
      parts.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  if (length < 0) throw new Error('response without content-length or chunked encoding');
  if (buf.length < at + length) return null;
  return { answer: { status, location, setCookie, body: buf.toString('utf8', at, at + length) }, used: at + length, close };
}

/** One keep-alive connection: requests go one at a time; a closed connection is reopened for the next request. */
class Connection {
  private socket: Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;
  private readonly host: string;
  private readonly port: number;
  constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
  }

  private open(): Socket {
    const s = connect({ host: this.host, port: this.port, noDelay: true });
    s.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      const p = this.pending;
      if (!p) return;
      let r: ReturnType<typeof parseResponse>;
      try {
        r = parseResponse(this.buf);
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      if (!r) return;
      this.buf = this.buf.subarray(r.used);
      this.pending = null;
      if (r.close) this.drop();
      p.resolve(r.answer);
    });
    s.on('error', (err) => this.fail(err));
    s.on('close', () => this.fail(new Error('connection closed before the response')));
    return s;
  }

  private drop(): void {
    this.socket?.removeAllListeners().on('error', () => {});
    this.socket?.destroy();
    this.socket = null;
    this.buf = Buffer.alloc(0);
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = null;
    this.drop();
    p?.reject(err);
  }

  send(text: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket ??= this.open();
      this.socket.write(text);
    });
  }

  close(): void {
    this.drop();
  }
}

export function createClient(base: string, sockets = 64) {
  const url = new URL(base);
  if (url.protocol !== 'http:') throw new Error('the bench client speaks plain http only');
  const port = Number(url.port || 80);
  const hostHeader = `Host: ${url.host}\r\n`;
  const all: Connection[] = [];
  const idle: Connection[] = [];
  const waiting: Array<(c: Connection) => void> = [];
  let opened = 0;
  const acquire = (): Promise<Connection> | Connection => {
    const c = idle.pop();
    if (c) return c;
    if (opened < sockets) {
      opened++;
      const fresh = new Connection(url.hostname, port);
      all.push(fresh);
      return fresh;
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (c: Connection) => {
    const next = waiting.shift();
    if (next) next(c);
    else idle.push(c);
  };
  const send = async (method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> => {
    let text = `${method} ${path} HTTP/1.1\r\n${hostHeader}`;
    for (const k in headers) text += `${k}: ${headers[k]}\r\n`;
    text += body !== undefined ? `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}` : '\r\n';
    const c = await acquire();
    try {
      return await c.send(text);
    } finally {
      release(c);
    }
  };
  return { send, close: () => all.forEach((c) => c.close()) };
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
