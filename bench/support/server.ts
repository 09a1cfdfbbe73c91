import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

const BIN = new URL('../../packages/server/bin/latchkey.mjs', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface BenchServer {
  url: string;
  env: Record<string, string>;
  child: ChildProcess;
  token(): string;
  stop(): Promise<void>;
}

/** Starts `latchkey serve` as a child process (its own CPU and RSS are measurable) and waits for /readyz. */
export async function startBenchServer(extraEnv: Record<string, string>): Promise<BenchServer> {
  const port = await freePort();
  // A fresh data directory unless the caller brings one (a seeded PGlite directory); a fresh one is removed at stop.
  const ownDir = extraEnv.LATCHKEY_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LATCHKEY_PORT: String(port),
    LATCHKEY_DATA_DIR: extraEnv.LATCHKEY_DATA_DIR ?? ownDir!,
    LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_LOG_LEVEL: 'warn',
    LATCHKEY_RATE_LIMIT_PER_MINUTE: '0',
    // BENCH_WORKERS=N: `latchkey serve` runs N server processes (LATCHKEY_WORKERS, PostgreSQL only); CPU and RSS count them all.
    ...(process.env.BENCH_WORKERS ? { LATCHKEY_WORKERS: process.env.BENCH_WORKERS } : {}),
    // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (bench/passkey-signin/profile-summary.ts reads it).
    ...(process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` } : {}),
    ...extraEnv,
  };
  // BENCH_SERVER_FLAGS: node flags for the server child that NODE_OPTIONS refuses (e.g. --trace-gc, which writes to
  // stdout: BENCH_SERVER_STDOUT=1 passes the child's stdout through).
  const flags = process.env.BENCH_SERVER_FLAGS ? process.env.BENCH_SERVER_FLAGS.split(' ') : [];
  const child = spawn(process.execPath, [...flags, BIN, 'serve'], { env, stdio: ['ignore', process.env.BENCH_SERVER_STDOUT === '1' ? 'inherit' : 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    env,
    child,
    token() {
      const r = spawnSync(process.execPath, [BIN, 'admin', 'token'], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`admin token failed: ${r.stderr}`);
      return r.stdout.trim();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/**
 * The same database over the throwaway server's Unix socket (its `-k` directory) instead of TCP on
 * loopback: what a node that shares the host with PostgreSQL can use (`BENCH_PG_SOCKET=1`).
 */
export function socketUrl(tcpUrl: string, socketDir: string): string {
  const u = new URL(tcpUrl);
  return `postgres://${u.username}@/${u.pathname.slice(1)}?host=${encodeURIComponent(socketDir)}&port=${u.port}`;
}
