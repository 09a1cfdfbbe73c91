import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.ts';
import { createTestDatabase } from '../support/stores.ts';

/** Live child processes of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const fields = readFileSync(`/proc/${e}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out.sort();
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `latchkey serve` with LATCHKEY_WORKERS=2 on PostgreSQL: a supervisor and two server processes on one port (ADR 0016). */
describe('latchkey serve with several worker processes', () => {
  const name = `lk_workers_${process.pid}_${randomBytes(3).toString('hex')}`;
  let env: Record<string, string>;
  let url: string;
  let supervisor: ChildProcess;
  let stderr = '';
  let logs = ''; // pino writes JSON lines to stdout

  beforeAll(async () => {
    const db = await createTestDatabase({ migrated: false, prefix: 'lk_workers' });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LATCHKEY_DATABASE_URL: db,
      LATCHKEY_PORT: String(port),
      LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_DATA_DIR: `/tmp/${name}`,
      LATCHKEY_LOG_LEVEL: 'warn',
      LATCHKEY_WORKERS: '2',
    };
    supervisor = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    supervisor.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    supervisor.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
    await until('two workers', () => stderr.includes('2 server processes share port') || undefined, 60_000);
  }, 90_000);

  afterAll(async () => {
    if (supervisor.exitCode === null) {
      supervisor.kill('SIGKILL');
      for (const c of childrenOf(supervisor.pid!)) process.kill(c, 'SIGKILL');
    }
  });

  it('runs two server processes under one supervisor, one banner and one first-start pass between them', async () => {
    expect(childrenOf(supervisor.pid!)).toHaveLength(2);
    expect(stderr.match(/Latchkey is running/g)).toHaveLength(1);
    expect(stderr.match(/Temporary Access Pass:/g)).toHaveLength(1);
    const answers = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${url}/readyz`)).status));
    expect(answers.every((s) => s === 200)).toBe(true);
    // The CLI reaches the same database: an admin token from it works on whichever worker answers.
    const token = await runCli(['admin', 'token'], env);
    expect(token.code).toBe(0);
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${url}/api/v1/users?$top=1`, { headers: { authorization: `Bearer ${token.stdout.trim()}` } });
      expect(r.status).toBe(200);
    }
  });

  it('starts a worker again when it dies, and the port keeps answering', async () => {
    const [victim] = childrenOf(supervisor.pid!);
    process.kill(victim!, 'SIGKILL');
    await until('the dead worker to be replaced', () => {
      const now = childrenOf(supervisor.pid!);
      return now.length === 2 && !now.includes(victim!) ? now : undefined;
    });
    expect(logs).toContain('a server worker stopped; starting it again');
    await until('the replacement to serve', async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined));
  });

  it('SIGTERM stops the workers and then the supervisor, exit code 0', async () => {
    const workers = childrenOf(supervisor.pid!);
    expect(workers).toHaveLength(2);
    const exited = new Promise<number | null>((r) => supervisor.once('exit', (code) => r(code)));
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const w of workers) expect(() => process.kill(w, 0)).toThrow();
  }, 30_000);
});

describe('LATCHKEY_WORKERS on the embedded database', () => {
  it('is refused at start with the reason', async () => {
    const r = await runCli(['serve'], { LATCHKEY_WORKERS: '2', LATCHKEY_DATA_DIR: `/tmp/lk-workers-embedded-${process.pid}` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('LATCHKEY_WORKERS > 1 needs LATCHKEY_DATABASE_URL');
  });
});
