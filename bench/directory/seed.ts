import pg from 'pg';

/**
 * Seeds a directory shaped like a large organisation, in SQL (seeding is not what we measure):
 * `users` users, `levels` × `perLevel` security groups where every group below the top level is a
 * member of two groups on the level above (nesting depth = levels), and every user is a direct
 * member of three bottom-level groups.
 */
export async function seedDirectory(url: string, o: { users: number; levels: number; perLevel: number }): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(`create temp table u_ix as select i, gen_random_uuid() as id from generate_series(1, $1::int) i`, [o.users]);
    await c.query(`create temp table g_ix as select l, i, gen_random_uuid() as id from generate_series(0, $1::int - 1) l, generate_series(0, $2::int - 1) i`, [o.levels, o.perLevel]);
    await c.query(`insert into users (id, user_principal_name, display_name, mail, mail_nickname, created_at, updated_at)
      select id, 'bench.user' || i || '@bench.example', 'Bench User ' || i, 'bench.user' || i || '@bench.example', 'bench.user' || i,
             now() - (i || ' seconds')::interval, now() from u_ix`);
    await c.query(`insert into groups (id, display_name, mail_nickname, created_at, updated_at)
      select id, 'Bench L' || l || ' G' || i, 'bench-l' || l || '-g' || i, now(), now() from g_ix`);
    await c.query(`insert into group_members (group_id, member_id, member_type, created_at)
      select distinct p.id, g.id, 'group', now() from g_ix g join g_ix p on p.l = g.l - 1
        and (p.i = g.i or p.i = (g.i * 7 + 3) % $1::int)`, [o.perLevel]);
    await c.query(`insert into group_members (group_id, member_id, member_type, created_at)
      select distinct g.id, u.id, 'user', now() from u_ix u join g_ix g on g.l = $1::int - 1
        and (g.i = u.i % $2::int or g.i = (u.i * 13 + 5) % $2::int or g.i = (u.i * 31 + 11) % $2::int)`, [o.levels, o.perLevel]);
    await c.query('commit');
    await c.query('analyze');
  } catch (err) {
    await c.query('rollback');
    throw err;
  } finally {
    await c.end();
  }
}
