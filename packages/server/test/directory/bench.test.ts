import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const RUN = fileURLToPath(new URL('../../../../bench/directory/run.ts', import.meta.url));

/**
 * Keeps `npm run bench:directory` working: the real script at a tiny scale on both backends (the
 * run's PostgreSQL is borrowed through BENCH_DATABASE_URL). Asserts the report's shape and that the
 * script stops by itself and leaves no scratch database behind; it asserts no timings.
 */
describe('bench/directory', () => {
  it('runs end to end at a small scale and prints the Markdown table', { timeout: 180_000 }, async () => {
    const adminUrl = inject('postgresAdminUrl');
    const env = {
      ...process.env,
      BENCH_DATABASE_URL: adminUrl,
      BENCH_USERS: '300',
      BENCH_GROUPS_PER_LEVEL: '10',
      BENCH_SAMPLES: '50',
      BENCH_HTTP_SAMPLES: '10',
      BENCH_CREATE: '20',
      BENCH_CLIENTS: '2',
    };
    let pid = 0;
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [RUN], { env, timeout: 170_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
      pid = child.pid ?? 0;
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^## Directory benchmark/);
    expect(r.stdout).toMatch(/\| PostgreSQL \(PostgreSQL [\d.]+.*\| 300 users, 50 groups, \d+ memberships; depth 5;/);
    expect(r.stdout).toMatch(/\| PGlite \(PostgreSQL [\d.]+.*\| 300 users, 50 groups, \d+ memberships; depth 5;/);
    expect(r.stderr).toMatch(/\[postgres\] created 20 users/);
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      const left = await c.query('select datname from pg_database where datname = $1', [`latchkey_bench_${pid}`]);
      expect(left.rows).toEqual([]);
    } finally {
      await c.end();
    }
  });
});
