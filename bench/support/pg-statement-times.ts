import type pg from 'pg';

/**
 * BENCH_PG_STATS=1: PostgreSQL's own time per statement since the last `pg_stat_statements_reset()`, and the
 * rows each table wrote since `pg_stat_reset()` (how many updates were HOT: no new index entries)
 * (the throwaway server loads pg_stat_statements when started with `statementStats: true`).
 */
export async function statementTimes(c: pg.Client, limit = 15): Promise<string> {
  const { rows } = await c.query(
    `select calls, round(total_exec_time::numeric, 1) as total_ms, round((total_exec_time / calls * 1000)::numeric, 1) as mean_us,
      rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query
      from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) order by total_exec_time desc limit $1`,
    [limit],
  );
  const tables = await c.query(
    `select relname, n_tup_ins as ins, n_tup_upd as upd, n_tup_hot_upd as hot, n_tup_del as del, n_dead_tup as dead,
      seq_scan, seq_tup_read, idx_scan, autovacuum_count + vacuum_count as vacuums, autoanalyze_count + analyze_count as analyzes
      from pg_stat_user_tables where n_tup_ins + n_tup_upd + n_tup_del > 0 order by n_tup_ins + n_tup_upd + n_tup_del desc limit $1`,
    [limit],
  );
  return (
    [
      'PostgreSQL time by statement (pg_stat_statements):',
      ...rows.map((r) => `  ${r.total_ms} ms total, ${r.calls} calls, ${r.mean_us} µs each, ${r.rows} rows: ${r.query}`),
      'Rows written by table (pg_stat_user_tables; hot = updates that touched no index):',
      ...tables.rows.map((r) => `  ${r.relname}: ${r.ins} inserted, ${r.upd} updated (${r.hot} hot), ${r.del} deleted, ${r.dead} dead now; ${r.seq_scan} sequential scans reading ${r.seq_tup_read} rows, ${r.idx_scan ?? 0} index scans, vacuumed ${r.vacuums}×, analysed ${r.analyzes}×`),
    ].join('\n') + '\n'
  );
}
