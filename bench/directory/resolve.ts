import { sql, type Kysely } from 'kysely';
import type { DB } from '../../packages/server/src/store/schema.ts';
import { transitiveGroupIdsOfUser, transitiveGroupIdsQuery } from '../../packages/server/src/directory/membership-repository.ts';
import { summarize } from '../support/stats.ts';

/**
 * Latency of `transitiveGroupIdsOfUser` (the call conditional access makes per sign-in), in
 * process, over the given users round-robin, after a warm-up. Returns ms percentiles and the mean
 * number of groups resolved per user.
 */
export async function measureTransitive(db: Kysely<DB>, userIds: string[], samples: number, warmup = 200) {
  for (let i = 0; i < warmup; i++) await transitiveGroupIdsOfUser(db, userIds[i % userIds.length]!);
  const times: number[] = [];
  let groups = 0;
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    const ids = await transitiveGroupIdsOfUser(db, userIds[i % userIds.length]!);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    groups += ids.length;
  }
  return { ...summarize(times), meanGroups: groups / samples };
}

/**
 * The same resolution as PostgreSQL itself times it (`EXPLAIN ANALYZE`: planning + execution),
 * without the client round trip and event-loop scheduling, which dominate p99 on a busy machine.
 */
export async function measureInDatabase(db: Kysely<DB>, userIds: string[], samples: number) {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const r = await sql<{
      'QUERY PLAN': Array<{ 'Planning Time': number; 'Execution Time': number }>;
    }>`explain (analyze, format json) ${transitiveGroupIdsQuery(userIds[i % userIds.length]!)}`.execute(db);
    const plan = r.rows[0]!['QUERY PLAN'][0]!;
    times.push(plan['Planning Time'] + plan['Execution Time']);
  }
  return summarize(times);
}
