import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, parseResponse } from './http-client.ts';

/** The bench's raw-socket client against a real node:http server: bodies, cookies, reuse, closes. */
let server: Server;
let base = '';
const connections = new Set<unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    connections.add(req.socket);
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, cookie: req.headers.cookie ?? null }));
      if (req.url === '/chunked') {
        res.writeHead(200, { 'set-cookie': ['a=1; Path=/', 'b=2; Path=/x'] });
        res.write('hello, ');
        setTimeout(() => res.end('wörld'), 5);
        return;
      }
      if (req.url === '/redirect') return res.writeHead(302, { location: '/json', 'content-length': '0' }).end();
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/close') return res.writeHead(200, { connection: 'close', 'content-length': '3' }).end('bye');
      res.writeHead(404, { 'content-length': '0' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('bench http client', () => {
  it('sends a body and headers, reads a content-length body', async () => {
    const c = createClient(base, 2);
    const r = await c.send('POST', '/json', { cookie: 'x=y', 'content-type': 'application/json' }, '{"ü":1}');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ method: 'POST', body: '{"ü":1}', cookie: 'x=y' });
    c.close();
  });

  it('reads chunked bodies split across packets, every set-cookie, a location and a bodiless 204', async () => {
    const c = createClient(base, 1);
    const r = await c.send('GET', '/chunked', {});
    expect(r.body).toBe('hello, wörld');
    expect(r.setCookie).toEqual(['a=1; Path=/', 'b=2; Path=/x']);
    expect((await c.send('GET', '/redirect', {})).location).toBe('/json');
    expect(await c.send('GET', '/empty', {})).toMatchObject({ status: 204, body: '' });
    // The same connection carried all three (one socket allowed).
    expect((await c.send('GET', '/json', {})).status).toBe(200);
    c.close();
  });

  it('queues requests beyond its sockets and reuses connections', async () => {
    connections.clear();
    const c = createClient(base, 3);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => c.send('POST', '/json', {}, String(i))));
    expect(answers.map((a) => JSON.parse(a.body).body)).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
    expect(connections.size).toBe(3);
    c.close();
  });

  it('reopens a connection the server closed', async () => {
    const c = createClient(base, 1);
    expect((await c.send('GET', '/close', {})).body).toBe('bye');
    expect((await c.send('GET', '/json', {})).status).toBe(200);
    c.close();
  });

  it('parses only whole responses and refuses what is not HTTP/1.x', () => {
    const whole = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1');
    expect(parseResponse(whole.subarray(0, 30))).toBeNull();
    expect(parseResponse(whole)).toMatchObject({ answer: { status: 200, body: 'ok' }, used: 40 });
    expect(() => parseResponse(Buffer.from('SSH-2.0-x\r\n\r\n'))).toThrow(/not an HTTP/);
  });
});
