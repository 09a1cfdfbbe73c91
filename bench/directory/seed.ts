/**
 * Seeds a directory shaped like a large organisation, in bulk SQL (seeding is not what we measure):
 * `users` users and `levels` × `perLevel` security groups. Every group below the top level is a
 * member of two groups on the level above (so nesting depth = `levels`), and every user is a direct
 * member of three bottom-level groups. Runs on PostgreSQL and PGlite through one `query` function.
 */
export type Query = (text: string, params?: unknown[]) => Promise<unknown>;

export interface SeedShape {
  users: number;
  levels: number;
  perLevel: number;
}

export async function seedDirectory(query: Query, o: SeedShape): Promise<{ users: number; groups: number; memberships: number }> {
  await query('begin');
  try {
    await query('create temp table u_ix as select i, gen_random_uuid() as id from generate_series(1, $1::int) i', [o.users]);
    await query(
      'create temp table g_ix as select l, i, gen_random_uuid() as id from generate_series(0, $1::int - 1) l, generate_series(0, $2::int - 1) i',
      [o.levels, o.perLevel],
    );
    await query(`insert into users (id, user_principal_name, display_name, mail, mail_nickname, created_at, updated_at)
      select id, 'bench.user' || i || '@bench.example', 'Bench User ' || i, 'bench.user' || i || '@bench.example', 'bench.user' || i,
             now() - (i || ' seconds')::interval, now() from u_ix`);
    await query(`insert into groups (id, display_name, mail_nickname, created_at, updated_at)
      select id, 'Bench L' || l || ' G' || i, 'bench-l' || l || '-g' || i, now(), now() from g_ix`);
    await query(
      `insert into group_members (group_id, member_id, member_type, created_at)
      select distinct p.id, g.id, 'group', now() from g_ix g join g_ix p on p.l = g.l - 1
        and (p.i = g.i or p.i = (g.i * 7 + 3) % $1::int)`,
      [o.perLevel],
    );
    await query(
      `insert into group_members (group_id, member_id, member_type, created_at)
      select distinct g.id, u.id, 'user', now() from u_ix u join g_ix g on g.l = $1::int - 1
        and (g.i = u.i % $2::int or g.i = (u.i * 13 + 5) % $2::int or g.i = (u.i * 31 + 11) % $2::int)`,
      [o.levels, o.perLevel],
    );
    await query('drop table u_ix');
    await query('drop table g_ix');
    await query('commit');
  } catch (err) {
    await query('rollback');
    throw err;
  }
  // VACUUM sets the visibility map, so membership lookups are index-only scans without heap fetches.
  await query('vacuum analyze');
  const n = async (t: string) =>
    Number(((await query(`select count(*)::int as n from ${t}`)) as { rows: Array<{ n: number }> }).rows[0]!.n);
  return { users: await n('users'), groups: await n('groups'), memberships: await n('group_members') };
}

/** `count` random user ids (for sampling). */
export async function sampleUserIds(query: Query, count: number): Promise<string[]> {
  const r = (await query(`select id from users where user_principal_name like 'bench.user%' order by random() limit $1`, [count])) as {
    rows: Array<{ id: string }>;
  };
  return r.rows.map((x) => x.id);
}
