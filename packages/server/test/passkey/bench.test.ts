import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../../../bench/passkey-signin/run.ts', import.meta.url));

/**
 * Keeps `npm run bench:passkey-signin` working: the real script at a tiny scale on both backends
 * (its own throwaway PostgreSQL, `latchkey serve` children, software authenticators over HTTP).
 * Asserts the report's shape, that every sign-in of both phases succeeded, and that the passkey
 * part of a ceremony stays one read statement (challenge consumed, credential, user, groups and
 * policy version together — no separate challenge delete or credential read).
 * It asserts no timings.
 */
describe('bench/passkey-signin', () => {
  it(
    'runs end to end at a small scale: both backends, both phases, no failures, statements per ceremony',
    { timeout: 300_000 },
    async () => {
      const env = {
        ...process.env,
        BENCH_SECONDS: '1',
        BENCH_POOL: '40',
        BENCH_USERS: '8',
        BENCH_IN_FLIGHT: '4',
        BENCH_WARMUP: '8',
        BENCH_WARMUP_SECONDS: '1',
        BENCH_SQL_COUNT: '4',
      };
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [RUN], { env, timeout: 280_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
        );
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^raw ECDSA P-256 verify .* → [\d,]+\/s/);
      for (const backend of ['PostgreSQL', 'PGlite'])
        for (const phase of ['ceremony \\(options \\+ verify\\)', 'full OIDC round trip']) {
          const row = new RegExp(`^\\| ${backend} \\| ${phase} \\| ([\\d,]+) \\|.*\\| (\\d+) \\| (\\d+) \\|$`, 'm').exec(r.stdout);
          expect(row, `${backend} ${phase}`).not.toBeNull();
          expect(Number(row![2]), `${backend} ${phase}: completed sign-ins`).toBeGreaterThan(0);
          expect(Number(row![3]), `${backend} ${phase}: failures`).toBe(0);
        }
      const statements = /SQL statements per sign-in .*: ceremony ([\d.]+) \((.*?)\); full round trip ([\d.]+)/.exec(r.stdout);
      expect(statements).not.toBeNull();
      expect(Number(statements![1])).toBeGreaterThanOrEqual(4);
      const ceremony = statements![2]!;
      // Both page calls read the flow with its interaction in one statement; the options' one also stores the usernameless challenge.
      expect(ceremony).toMatch(/(^|, )with: insert passkey_challenges ×2\.0/);
      // The assertion's read consumes the challenge; the completion writes the use, the flow, the log row and the interaction result together.
      expect(ceremony).toMatch(/(^|, )with: delete passkey_challenges ×1\.0/);
      expect(ceremony).toMatch(
        /(^|, )with: update passkey_credentials \+ update signin_flows \+ insert signin_log \+ update oidc_payloads ×1\.0/,
      );
      for (const separate of [
        'insert passkey_challenges',
        'delete passkey_challenges',
        'select passkey_credentials',
        'update passkey_credentials',
        'update signin_flows',
        'insert signin_log',
      ])
        expect(ceremony).not.toMatch(new RegExp(`(^|, )${separate} ×`));
      expect(r.stdout).toMatch(/load averages \(1\/5\/15 min\)/);
    },
  );
});
