import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
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
  const p = v.payload;
  const row = {
    kind: v.kind,
    id: v.id,
    payload: JSON.stringify(p),
    grant_id: typeof p.grantId === 'string' ? p.grantId : null,
    user_code: typeof p.userCode === 'string' ? p.userCode : null,
    uid: typeof p.uid === 'string' ? p.uid : null,
    expires_at: v.expiresAt,
  };
  await upsertQuery.execute(db, row);
}

type PayloadRow = { kind: string; id: string; payload: string; grant_id: string | null; user_code: string | null; uid: string | null; expires_at: Date | null };
/** Built once (store/query-template.ts): the provider saves a payload several times per sign-in. */
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
  // By id is how the provider looks almost everything up: that shape is built once.
  const only = by.id !== undefined && by.uid === undefined && by.userCode === undefined;
  const r = only
    ? (await findByIdQuery.execute(db, { kind, id: by.id!, now: new Date() })).rows[0]
    : await findQuery(db, kind, by).executeTakeFirst();
  return r && { payload: r.payload, consumedAt: r.consumed_at ? new Date(r.consumed_at) : null };
}

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

/** Every artefact of a grant, whatever its kind (tokens, codes) — oidc-provider's revokeByGrantId. */
export async function deleteByGrantId(db: Kysely<DB>, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
}

/** Deletes expired rows; returns how many. */
export async function sweepExpired(db: Kysely<DB>, now = new Date()): Promise<number> {
  const r = await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
