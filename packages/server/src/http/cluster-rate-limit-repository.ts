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
  /** The node saw the key at half its limit or more: every node reads it. */
  hot: boolean;
  expires_at: Date;
}

/** What this node spent on a key in one window (the absolute count, so a retry is harmless). */
export interface OwnSpend {
  limiter: string;
  key: string;
  windowIndex: number;
  spent: number;
  hot: boolean;
  /** When the row stops mattering (the end of the following window), epoch ms. */
  expiresAtMs: number;
}

/** A key whose spend on the other nodes this node wants. */
export interface WantedKey {
  limiter: string;
  key: string;
}

/** The other nodes' spend on a key in one window, and which nodes spent it. */
export interface OthersSpend {
  limiter: string;
  key: string;
  windowIndex: number;
  spent: number;
  nodes: string[];
}

export interface Exchange {
  nodeId: string;
  own: readonly OwnSpend[];
  wanted: readonly WantedKey[];
  /** The node's clock, epoch ms: rows expired by then are ignored. */
  nowMs: number;
  /** How long this node counts as sharing the limits after this exchange. */
  heartbeatMs: number;
}

/**
 * The whole exchange of a sync in ONE statement: upserts this node's rows and its heartbeat (a
 * data-modifying CTE, run once whether read or not), and reads the sum of every other node's live
 * rows for the wanted keys and for every hot key, plus the other nodes alive. The read sees the
 * snapshot from before the upsert, which is fine: it skips this node's rows anyway.
 */
export async function exchangeSpend(db: Kysely<DB>, x: Exchange): Promise<{ others: OthersSpend[]; peers: string[] }> {
  const own = [...x.own, { limiter: '', key: '', windowIndex: 0, spent: 0, hot: false, expiresAtMs: x.nowMs + x.heartbeatMs }];
  const now = sql`to_timestamp(${x.nowMs}::float8 / 1000.0)`;
  const { rows } = await sql<{ limiter: string; key: string; window_index: number; spent: number; nodes: string[] }>`
    with own as (
      insert into rate_limit_spend (limiter, key, window_index, node_id, spent, hot, expires_at)
      select o.limiter, o.key, o.window_index, ${x.nodeId}, o.spent, o.hot, to_timestamp(o.expires_ms / 1000.0)
      from unnest(${own.map((o) => o.limiter)}::text[], ${own.map((o) => o.key)}::text[], ${own.map((o) => o.windowIndex)}::bigint[],
                  ${own.map((o) => o.spent)}::int[], ${own.map((o) => o.hot)}::bool[], ${own.map((o) => o.expiresAtMs)}::float8[])
           as o(limiter, key, window_index, spent, hot, expires_ms)
      on conflict (limiter, key, window_index, node_id) do update set spent = excluded.spent, hot = excluded.hot, expires_at = excluded.expires_at
    ), wanted as (
      select w.limiter, w.key from unnest(${x.wanted.map((w) => w.limiter)}::text[], ${x.wanted.map((w) => w.key)}::text[]) as w(limiter, key)
      union
      select h.limiter, h.key from rate_limit_spend h where h.hot and h.node_id <> ${x.nodeId} and h.expires_at > ${now}
    )
    select s.limiter, s.key, s.window_index, sum(s.spent)::int as spent, array_agg(distinct s.node_id) as nodes
    from wanted w join rate_limit_spend s on s.limiter = w.limiter and s.key = w.key
    where s.node_id <> ${x.nodeId} and s.expires_at > ${now}
    group by s.limiter, s.key, s.window_index
    union all
    select '', '', 0, 0, coalesce(array_agg(p.node_id), '{}') from rate_limit_spend p
    where p.limiter = '' and p.key = '' and p.window_index = 0 and p.node_id <> ${x.nodeId} and p.expires_at > ${now}`.execute(db);
  const others = rows
    .filter((r) => r.limiter !== '')
    .map((r) => ({ limiter: r.limiter, key: r.key, windowIndex: Number(r.window_index), spent: r.spent, nodes: r.nodes }));
  return { others, peers: rows.find((r) => r.limiter === '')?.nodes ?? [] };
}

/** Deletes spend rows whose windows are over (housekeeping; jobs/housekeeping.ts). */
export async function sweepRateLimitSpend(db: Kysely<DB>, now = new Date()): Promise<number> {
  const r = await db.deleteFrom('rate_limit_spend').where('expires_at', '<', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
