import { sql, type Kysely } from 'kysely';

/**
 * Cluster-wide rate limits (http/cluster-rate-limit.ts, ADR 0015): each node's spend per limiter,
 * key and window, upserted about once a second by the node that spent it and summed by the others.
 *
 * - Unlogged: the rows are a few seconds' worth of counters; losing them in a crash (or on a
 *   failover to a replica) resets the limits, which is harmless, and they cost no WAL.
 * - One row per node (`node_id` in the key): a node only ever writes its own rows, with the
 *   absolute count (idempotent, no row shared between nodes' writes).
 * - `hot`: the node saw the key at half its limit or more. Every node reads the hot keys, also
 *   those it has not served yet (partial index), so an attacked key is known before its first
 *   request there. A row with `limiter = ''` is a node's heartbeat (how many nodes share limits).
 * - No index on `expires_at` and free space in every page (fillfactor 70): the once-a-second
 *   updates stay HOT (they change `spent`, and `hot` rarely); the housekeeping sweep scans this
 *   small table every 10 minutes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unlogged table rate_limit_spend (
      limiter text not null,
      key text not null,
      window_index bigint not null,
      node_id text not null,
      spent integer not null,
      hot boolean not null default false,
      expires_at timestamptz not null,
      primary key (limiter, key, window_index, node_id)
    ) with (fillfactor = 70)`.execute(db);
  await sql`create index rate_limit_spend_hot on rate_limit_spend (limiter, key) where hot`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table rate_limit_spend`.execute(db);
}
