import { createServer, request as httpRequest, type Server } from 'node:http';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { Runtime } from '../runtime.ts';
import { findOp } from './ops.ts';
import { ApiError } from '../errors.ts';

/**
 * The embedded database admits one process. The process that opens it writes
 * `<dataDir>/latchkey.lock` ({pid, socket}); a server also listens on a Unix socket (0600, in the
 * 0700 data dir, so only the same OS user can reach it) where the CLI forwards its operations.
 */
export interface LockInfo {
  pid: number;
  socket: string | null;
  startedAt: string;
}

const lockPath = (dataDir: string) => join(dataDir, 'latchkey.lock');

export function socketPathFor(dataDir: string): string {
  const inDir = join(dataDir, 'control.sock');
  // Unix socket paths are limited to ~107 bytes; fall back to a per-data-dir path in tmp.
  if (Buffer.byteLength(inDir) < 100) return inDir;
  return join(tmpdir(), `latchkey-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of the embedded database, if any (stale locks are ignored). */
export function readLiveLock(dataDir: string): LockInfo | undefined {
  const path = lockPath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    if (info.pid !== process.pid && alive(info.pid)) return info;
  } catch {
    /* unreadable lock: treat as stale */
  }
  return undefined;
}

/** Takes the embedded-database lock for this process; throws when a live process holds it. */
export function acquireLock(dataDir: string, socket: string | null): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const holder = readLiveLock(dataDir);
  if (holder) throw new Error(`Another Latchkey process (pid ${holder.pid}) is using the embedded database in ${dataDir}.`);
  const info: LockInfo = { pid: process.pid, socket, startedAt: new Date().toISOString() };
  writeFileSync(lockPath(dataDir), JSON.stringify(info), { mode: 0o600 });
  return () => {
    try {
      const current = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
      if (current.pid === process.pid) rmSync(lockPath(dataDir), { force: true });
    } catch {
      /* already gone */
    }
  };
}

/** Serves CLI operations on the control socket. */
export async function startControlServer(rt: Runtime, socket: string): Promise<Server> {
  rmSync(socket, { force: true });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = decodeURIComponent((req.url ?? '').replace(/^\/ops\//, ''));
      const op = req.method === 'POST' ? findOp(name) : undefined;
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!op) return reply(404, { error: { code: 'Request_ResourceNotFound', message: `unknown operation ${name}` } });
      let args: Record<string, unknown>;
      try {
        args = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return reply(400, { error: { code: 'Request_BadRequest', message: 'body is not JSON' } });
      }
      op.run(rt, args).then(
        (result) => reply(200, { result }),
        (err: unknown) => {
          if (err instanceof ApiError) return reply(err.status, err.toBody());
          rt.logger.error({ err, op: name }, 'control operation failed');
          return reply(500, { error: { code: 'InternalServerError', message: (err as Error).message } });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  chmodSync(socket, 0o600);
  server.unref();
  return server;
}

/** Forwards an operation to the live server over its control socket. */
export function callControl(socket: string, name: string, args: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(args ?? {});
    const req = httpRequest(
      { socketPath: socket, path: `/ops/${encodeURIComponent(name)}`, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: unknown; error?: { code: string; message: string } };
            if (parsed.error) reject(new ApiError(parsed.error.code as never, parsed.error.message, { status: res.statusCode ?? 500 }));
            else resolve(parsed.result);
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
