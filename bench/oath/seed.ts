import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import cliProgress from 'cli-progress';
import type { DB } from '../../packages/server/src/store/schema.ts';
import type { Envelope } from '../../packages/server/src/secrets/envelope.ts';
import { systemContext } from '../../packages/server/src/auth/principal.ts';
import { base32Encode } from '../../packages/server/src/methods/oath/base32.ts';
import { importHardwareTokens, type ImportResult } from '../../packages/server/src/methods/oath/importHardwareTokens.ts';

/** An Entra CSV of `n` tokens; `upns[i]` assigns row i when given. Returns the file and the Base32 seeds. */
export function tokenCsv(n: number, prefix: string, upns: string[] = []): { csv: string; secrets: string[] } {
  const secrets: string[] = [];
  const lines = ['upn,serial number,secret key,time interval,manufacturer,model'];
  for (let i = 0; i < n; i++) {
    const s = base32Encode(randomBytes(20));
    secrets.push(s);
    lines.push(`${upns[i] ?? ''},${prefix}${String(i).padStart(7, '0')},${s},30,Bench,B1`);
  }
  return { csv: lines.join('\n') + '\n', secrets };
}

/** Imports through the real domain code with a progress bar on stderr; returns the result and seconds. */
export async function importWithProgress(
  db: Kysely<DB>,
  envelope: Envelope,
  csv: string,
  label: string,
): Promise<{ result: ImportResult; seconds: number }> {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} {phase} [{bar}] {value}/{total}`, noTTYOutput: true, notTTYSchedule: 2000 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const t = performance.now();
  const result = await importHardwareTokens({ db, envelope }, systemContext('bench'), csv, {
    onProgress: (p) => {
      if (!started) bar.start(p.total, p.done, { phase: p.phase });
      started = true;
      bar.setTotal(p.total);
      bar.update(p.done, { phase: p.phase });
    },
  });
  if (started) bar.stop();
  if (!result.ok) throw new Error(`import refused: ${JSON.stringify(result.issues.slice(0, 3))}`);
  return { result, seconds: (performance.now() - t) / 1000 };
}

/** `n` users inserted directly (bench set-up, not what is measured). */
export async function insertUsers(db: Kysely<DB>, n: number, prefix: string): Promise<Array<{ id: string; upn: string }>> {
  const users = Array.from({ length: n }, (_, i) => ({ id: crypto.randomUUID(), upn: `${prefix}${i}@bench.test` }));
  const now = new Date();
  for (let i = 0; i < users.length; i += 2_000) {
    await db
      .insertInto('users')
      .values(
        users
          .slice(i, i + 2_000)
          .map((u) => ({ id: u.id, user_principal_name: u.upn, display_name: u.upn, created_at: now, updated_at: now })),
      )
      .execute();
  }
  return users;
}
