import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Target } from './browser.ts';
import type { Client } from '../support/http-client.ts';
import type { SeededUser } from './seed.ts';
import { openPages } from './load.ts';
import { Browser } from './browser.ts';

const DB = 'latchkey_signin_bench';

/**
 * Statements the server sends PostgreSQL per sign-in (each one a round trip), from the server's
 * own log: `log_statement = all` is switched on for `count` sequential sign-ins and off again.
 * Counted separately for the passkey ceremony (options + verify) and the whole OIDC round trip,
 * with a breakdown by verb and table (what the profile needs).
 */
export async function countStatements(pgServer: { url: string; dir: string }, http: Client, t: Target, users: SeededUser[], count: number) {
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  const logFile = join(pgServer.dir, 'log');
  const capture = async (work: () => Promise<void>) => {
    await admin.query(`alter system set log_line_prefix = '%m [%p] %d '`);
    await admin.query(`alter system set log_statement = 'all'`);
    await admin.query('select pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 500));
    const from = statSync(logFile).size;
    await work();
    await new Promise((r) => setTimeout(r, 200));
    await admin.query(`alter system reset log_statement`);
    await admin.query('select pg_reload_conf()');
    const text = readFileSync(logFile).subarray(from).toString('utf8');
    const lines = statementsOf(text);
    const byKind = new Map<string, number>();
    for (const sql of lines) {
      if (process.env.BENCH_SQL_DUMP) appendFileSync(process.env.BENCH_SQL_DUMP, `${sql}\n`);
      const k = kindOf(sql);
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    }
    return {
      perSignIn: lines.length / count,
      byKind: [...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${(n / count).toFixed(1)}`),
    };
  };
  try {
    const pages = await openPages(http, t, count, 1);
    const ceremony = await capture(async () => {
      for (let i = 0; i < count; i++) await pages[i]!.passkey(users[i % users.length]!.auth);
    });
    const full = await capture(async () => {
      for (let i = 0; i < count; i++) {
        const b = new Browser(http, t);
        await b.open();
        await b.finish(await b.passkey(users[(i + count) % users.length]!.auth));
      }
    });
    return {
      ceremony,
      full,
      summary: `ceremony ${ceremony.perSignIn.toFixed(1)} (${ceremony.byKind.join(', ')}); full round trip ${full.perSignIn.toFixed(1)} (${full.byKind.join(', ')})`,
    };
  } finally {
    await admin.end();
  }
}

/** The statements of the bench database in a server log: a statement's continuation lines (no log prefix) belong to it. */
function statementsOf(text: string): string[] {
  const out: string[] = [];
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    if (/^\d{4}-\d\d-\d\d /.test(line)) {
      if (current) out.push(current.join('\n').trim());
      current =
        line.includes(` ${DB} LOG:  `) && /LOG: {2}(statement|execute [^:]*): /.test(line)
          ? [line.replace(/^.*?LOG: {2}(statement|execute [^:]*): /, '')]
          : null;
    } else if (current) current.push(line);
  }
  if (current) out.push(current.join('\n').trim());
  return out;
}

/**
 * A statement's name for the per-sign-in breakdown: what it writes (`update signin_flows`), a
 * `with` statement prefixed so (`with: delete passkey_challenges`), else what it reads
 * (`select signin_flows + oidc_payloads`).
 */
export function kindOf(sql: string): string {
  const verb = /^\w+/.exec(sql)?.[0]?.toLowerCase() ?? '?';
  const writes = [
    ...new Set(
      [...sql.matchAll(/\b(insert\s+into|update|delete\s+from)\s+"?([a-z_]+)\b/gi)]
        .filter((m) => m[2]!.toLowerCase() !== 'set')
        .map((m) => `${m[1]!.split(/\s+/)[0]!.toLowerCase()} ${m[2]}`),
    ),
  ];
  if (writes.length) return `${verb === 'with' ? 'with: ' : ''}${writes.join(' + ')}`;
  const reads = [
    ...new Set(
      [...sql.matchAll(/\b(?:from|join)\s+"?([a-z_]+)\b"?(?!\s*\()/gi)]
        .map((m) => m[1]!)
        .filter((t) => !['lateral', 'up', 'cred', 'consumed'].includes(t)),
    ),
  ];
  return `${verb === 'with' ? 'with' : 'select'}${reads.length ? ` ${reads.join(' + ')}` : ''}`;
}
