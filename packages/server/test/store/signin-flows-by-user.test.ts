import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { planOf } from '../support/plan.ts';
import { describeEachStore } from '../support/stores.ts';
import * as m0024 from '../../src/store/migrations/0024_signin_flows_by_user.ts';
import { lastCompletedFlows, sessionMethods } from '../../src/signin/step-up.ts';

/**
 * `sessionMethods` runs on every authorization inside an SSO session: with a day of everybody's
 * flows in `signin_flows`, it must find one user's flows by index (migration 0024), not by scanning.
 */
describeEachStore("a user's last flows are found by index (migration 0024)", (store) => {
  const plan = (userId: string) => planOf(store().db, lastCompletedFlows(store().db, userId).compile());

  it("reads the user's flows through signin_flows_user among thousands of others; without the index it scans", async () => {
    const db = store().db;
    const user = crypto.randomUUID();
    const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s)).toISOString();
    // A day of other people's flows: 400 users with ten flows each.
    const tag = user.slice(0, 8);
    await sql`insert into users (id, user_principal_name, display_name)
      select gen_random_uuid(), 'flows-' || ${tag} || '-' || g || '@latchkey.test', 'Flows ' || g from generate_series(1, 400) g`.execute(
      db,
    );
    await sql`insert into users (id, user_principal_name, display_name) values (${user}::uuid, ${`me-${tag}@latchkey.test`}, 'Me')`.execute(
      db,
    );
    await sql`insert into signin_flows (id, state, interaction_uid, client_id, user_id, methods_offered, methods_performed, expires_at)
      select gen_random_uuid(), 'complete', 'uid-' || u.id || '-' || g, 'app', u.id, '[]'::jsonb, '[]'::jsonb, now() + interval '10 minutes'
      from users u cross join generate_series(1, 10) g where u.user_principal_name like ${`flows-${tag}-%`}`.execute(db);
    for (const [n, state, s] of [
      [1, 'complete', 1],
      [2, 'failed', 2],
      [3, 'complete', 3],
    ] as const)
      await sql`insert into signin_flows (id, state, interaction_uid, client_id, user_id, methods_offered, methods_performed, expires_at, updated_at)
        values (gen_random_uuid(), ${state}, ${`mine-${user}-${n}`}, 'app', ${user}::uuid, '[]'::jsonb,
          ${JSON.stringify([{ method: 'passkey', at: at(s), amr: ['hwk'] }])}::jsonb, now() + interval '10 minutes', ${at(s)}::timestamptz)`.execute(
        db,
      );
    await sql`analyze signin_flows`.execute(db);

    expect(await plan(user)).toContain('signin_flows_user');
    // The session made by the third flow: its methods (the failed flow in between is not a session).
    const loginTs = Math.floor(Date.parse(at(3)) / 1000);
    expect(await sessionMethods(db, user, loginTs)).toEqual([{ method: 'passkey', at: at(3), amr: ['hwk'] }]);
    expect(await sessionMethods(db, user, Math.floor(Date.parse(at(2)) / 1000))).toBeUndefined();

    await m0024.down(db);
    await sql`analyze signin_flows`.execute(db);
    const without = await plan(user);
    expect(without).not.toContain('signin_flows_user');
    expect(without).toContain('Seq Scan on signin_flows');
    await m0024.up(db);
    await sql`analyze signin_flows`.execute(db);
    expect(await plan(user)).toContain('signin_flows_user');
  });
});
