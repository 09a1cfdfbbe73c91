import { sql, type Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';

/** One node's spend per limiter, key and window (migration 0019; ADR 0015). */
export interface RateLimitSpendTable {
  limiter: string;
  key: string;
  /** floor(epoch ms / the limiter's window). */
  window_index: number;
  node_id: string;
  spent: number;
  expires_at: Date;
}

/** What this node spent on a key in one window (the absolute count, so a retry is harmless). */
export interface OwnSpend {
  limiter: string;
  key: string;
  windowIndex: number;
  spent: number;
  /** When the row stops mattering (the end of the following window), epoch ms. */
  expiresAtMs: number;
}

/** A key whose spend elsewhere this node wants, in its current window (the window before comes too). */
export interface WantedKey {
  limiter: string;
  key: string;
  windowIndex: number;
}

/** The other nodes' spend on a key in one window, and which nodes spent it. */
export interface OthersSpend {
  limiter: string;
  key: string;
  windowIndex: number;
  spent: number;
  nodes: string[];
}

/**
 * The whole exchange of a sync in ONE statement: upserts this node's own rows (a data-modifying CTE,
 * run once whether read or not) and reads the sum of every other node's rows for the wanted keys
 * in their current and previous windows. The read sees the snapshot from before the upsert, which
 * is fine: it skips this node's rows anyway.
 */
export async function exchangeSpend(db: Kysely<DB>, nodeId: string, own: readonly OwnSpend[], wanted: readonly WantedKey[]): Promise<OthersSpend[]> {
  const { rows } = await sql<{ limiter: string; key: string; window_index: number; spent: number; nodes: string[] }>`
    with own as (
      insert into rate_limit_spend (limiter, key, window_index, node_id, spent, expires_at)
      select o.limiter, o.key, o.window_index, ${nodeId}, o.spent, to_timestamp(o.expires_ms / 1000.0)
      from unnest(${own.map((o) => o.limiter)}::text[], ${own.map((o) => o.key)}::text[], ${own.map((o) => o.windowIndex)}::bigint[],
                  ${own.map((o) => o.spent)}::int[], ${own.map((o) => o.expiresAtMs)}::float8[]) as o(limiter, key, window_index, spent, expires_ms)
      on conflict (limiter, key, window_index, node_id) do update set spent = excluded.spent, expires_at = excluded.expires_at
    )
    select s.limiter, s.key, s.window_index, sum(s.spent)::int as spent, array_agg(distinct s.node_id) as nodes
    from unnest(${wanted.map((w) => w.limiter)}::text[], ${wanted.map((w) => w.key)}::text[], ${wanted.map((w) => w.windowIndex)}::bigint[]) as w(limiter, key, window_index)
    join rate_limit_spend s on s.limiter = w.limiter and s.key = w.key and s.window_index between w.window_index - 1 and w.window_index
    where s.node_id <> ${nodeId}
    group by s.limiter, s.key, s.window_index`.execute(db);
  return rows.map((r) => ({ limiter: r.limiter, key: r.key, windowIndex: Number(r.window_index), spent: r.spent, nodes: r.nodes }));
}

/** Deletes spend rows whose windows are over (housekeeping; jobs/housekeeping.ts). */
export async function sweepRateLimitSpend(db: Kysely<DB>, now = new Date()): Promise<number> {
  const r = await db.deleteFrom('rate_limit_spend').where('expires_at', '<', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
