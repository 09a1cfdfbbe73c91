import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { batchedStatement } from '../store/batched-statement.ts';
import { queryTemplate } from '../store/query-template.ts';

/** oidc-provider artefacts (sessions, grants, codes, interactions, …), one row per (kind, id). */
export interface PayloadRecord {
  payload: Record<string, unknown>;
  consumedAt: Date | null;
}

export async function upsertPayload(
  db: Kysely<DB>,
  v: { kind: string; id: string; payload: Record<string, unknown>; expiresAt: Date | null },
): Promise<void> {
  await upserts.run(db, v);
}

/**
 * The provider saves a payload several times per sign-in: saves from concurrent sign-ins are
 * written by one statement (store/batched-statement.ts, ADR 0013); two saves of one payload
 * never share it (ON CONFLICT cannot update a row twice).
 */
type Upsert = { kind: string; id: string; payload: Record<string, unknown>; expiresAt: Date | null };
const columnsOf = (v: Upsert) => {
  const p = v.payload;
  return {
    kind: v.kind,
    id: v.id,
    grant_id: typeof p.grantId === 'string' ? p.grantId : null,
    user_code: typeof p.userCode === 'string' ? p.userCode : null,
    uid: typeof p.uid === 'string' ? p.uid : null,
  };
};
const upserts = batchedStatement<Upsert, object>({
  name: 'oidc_payload_upsert',
  keyOf: (v) => `${v.kind}\u0000${v.id}`,
  encode: (v) => ({ ...columnsOf(v), payload: v.payload, expires_at: v.expiresAt?.toISOString() ?? null }),
  single: async (db, v) => {
    await upsertQuery.execute(db, { ...columnsOf(v), payload: JSON.stringify(v.payload), expires_at: v.expiresAt });
    return [];
  },
  sql: `insert into oidc_payloads (kind, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
select v.kind, v.id, v.payload, v.grant_id, v.user_code, v.uid, v.expires_at, null
from jsonb_to_recordset($1::jsonb) as v(n int, kind text, id text, payload jsonb, grant_id text, user_code text, uid text, expires_at timestamptz)
on conflict (kind, id) do update set payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
  uid = excluded.uid, expires_at = excluded.expires_at`,
});

type PayloadRow = { kind: string; id: string; payload: string; grant_id: string | null; user_code: string | null; uid: string | null; expires_at: Date | null };
/** The one-row form (store/query-template.ts), for PGlite and transactions. */
const upsertQuery = queryTemplate(['kind', 'id', 'payload', 'grant_id', 'user_code', 'uid', 'expires_at'], (db, row: PayloadRow) =>
  db
    .insertInto('oidc_payloads')
    .values({ ...row, consumed_at: null })
    .onConflict((oc) =>
      oc.columns(['kind', 'id']).doUpdateSet({ payload: row.payload, grant_id: row.grant_id, user_code: row.user_code, uid: row.uid, expires_at: row.expires_at }),
    ),
);

/** The row unless it has expired (expired rows are invisible; `sweepExpired` deletes them). */
export async function findPayload(
  db: Kysely<DB>,
  kind: string,
  by: { id?: string; uid?: string; userCode?: string },
): Promise<PayloadRecord | undefined> {
  // By id is how the provider looks almost everything up: those reads are batched.
  const only = by.id !== undefined && by.uid === undefined && by.userCode === undefined;
  const r = only ? (await findsById.run(db, { kind, id: by.id!, now: new Date() }))[0] : await findQuery(db, kind, by).executeTakeFirst();
  return r && { payload: r.payload, consumedAt: r.consumed_at ? new Date(r.consumed_at) : null };
}

/** Finds by id from concurrent requests, one statement (store/batched-statement.ts, ADR 0013). */
const findsById = batchedStatement<{ kind: string; id: string; now: Date }, { payload: Record<string, unknown>; consumed_at: Date | string | null }>({
  name: 'oidc_payload_find',
  encode: (b) => ({ kind: b.kind, id: b.id, now: b.now.toISOString() }),
  single: async (db, b) => (await findByIdQuery.execute(db, b)).rows,
  sql: `select b.n, p.payload, p.consumed_at
from jsonb_to_recordset($1::jsonb) as b(n int, kind text, id text, now timestamptz)
join lateral (select payload, consumed_at from oidc_payloads p
  where p.kind = b.kind and p.id = b.id and (p.expires_at is null or p.expires_at > b.now) offset 0) p on true`,
});

const findQuery = (db: Kysely<DB>, kind: string, by: { id?: string; uid?: string; userCode?: string }, now = new Date()) => {
  let q = db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at'])
    .where('kind', '=', kind)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  if (by.id !== undefined) q = q.where('id', '=', by.id);
  if (by.uid !== undefined) q = q.where('uid', '=', by.uid);
  if (by.userCode !== undefined) q = q.where('user_code', '=', by.userCode);
  return q.limit(1);
};

const findByIdQuery = queryTemplate(['kind', 'id', 'now'], (db, a: { kind: string; id: string; now: Date }) => findQuery(db, a.kind, { id: a.id }, a.now));

export async function consumePayload(db: Kysely<DB>, kind: string, id: string): Promise<void> {
  await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: new Date() })
    .where('kind', '=', kind)
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .execute();
}

export async function deletePayload(db: Kysely<DB>, kind: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('kind', '=', kind).where('id', '=', id).execute();
}

/**
 * Every artefact of a grant, whatever its kind (tokens, codes) — oidc-provider's revokeByGrantId —
 * except an interaction in progress, which names the grant it would extend and is not one of its
 * artefacts. (Deleting it broke a sign-in that switches the session's account: the provider ends
 * the old session, revoking its grants, then resumes that very interaction.)
 */
export async function deleteByGrantId(db: Kysely<DB>, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).where('kind', '!=', 'Interaction').execute();
}

/** Deletes expired rows; returns how many. */
export async function sweepExpired(db: Kysely<DB>, now = new Date()): Promise<number> {
  const r = await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
