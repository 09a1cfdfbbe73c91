import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, OathTokensTable } from '../../store/schema.ts';
import { queryTemplate } from '../../store/query-template.ts';
import { batchedStatement } from '../../store/batched-statement.ts';
import type { OathHash } from './hotp.ts';
import type { OathTokenStatus } from './activate.ts';

/**
 * The only module that speaks SQL for `oath_tokens`. Rows keep the sealed seed; nothing here
 * opens it. Replay state is written with a conditional update so concurrent acceptances of one
 * step cannot both win (`acceptStep`).
 */
/** The columns an insert sets; the rest start empty (no replay, drift or lockout state yet). */
export interface NewOathToken {
  id: string;
  kind: 'hardware' | 'software';
  serialNumber: string | null;
  manufacturer: string | null;
  model: string | null;
  displayName: string | null;
  secretSealed: string;
  hashFunction: OathHash;
  digits: 6 | 8;
  timeInterval: 30 | 60;
  status: OathTokenStatus;
  userId: string | null;
}

/** A stored token: what was inserted plus its replay, drift and lockout state. */
export interface OathTokenRow extends NewOathToken {
  lastStep: number | null;
  drift: number;
  failedAttempts: number;
  lockedUntil: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export function toRow(r: Selectable<OathTokensTable>): OathTokenRow {
  return {
    id: r.id,
    kind: r.kind,
    serialNumber: r.serial_number,
    manufacturer: r.manufacturer,
    model: r.model,
    displayName: r.display_name,
    secretSealed: r.secret_sealed,
    hashFunction: r.hash_function,
    digits: Number(r.digits) as 6 | 8,
    timeInterval: Number(r.time_interval) as 30 | 60,
    status: r.user_id === null && r.kind === 'hardware' ? 'available' : r.status,
    userId: r.user_id,
    lastStep: r.last_step === null ? null : Number(r.last_step),
    drift: Number(r.drift),
    failedAttempts: Number(r.failed_attempts),
    lockedUntil: r.locked_until,
    lastUsedAt: r.last_used_at,
    createdAt: r.created_at,
  };
}

/** Refreshes the planner's statistics of `oath_tokens` (after a bulk import; ~0.1 s for 100k rows). */
export async function analyzeTokens(db: Kysely<DB>): Promise<void> {
  await sql`analyze oath_tokens`.execute(db);
}

/** Inserts rows in one statement (callers batch: ≤ 2,000 rows keeps under PostgreSQL's parameter limit). */
export async function insertTokens(db: Kysely<DB>, rows: readonly NewOathToken[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('oath_tokens')
    .values(
      rows.map((t) => ({
        id: t.id,
        kind: t.kind,
        serial_number: t.serialNumber,
        manufacturer: t.manufacturer,
        model: t.model,
        display_name: t.displayName,
        secret_sealed: t.secretSealed,
        hash_function: t.hashFunction,
        digits: t.digits,
        time_interval: t.timeInterval,
        status: t.status,
        user_id: t.userId,
      })),
    )
    .execute();
}

export async function findToken(db: Kysely<DB>, id: string, kind?: 'hardware' | 'software'): Promise<OathTokenRow | undefined> {
  let q = db.selectFrom('oath_tokens').selectAll().where('id', '=', id);
  if (kind) q = q.where('kind', '=', kind);
  const r = await q.executeTakeFirst();
  return r && toRow(r);
}

export async function findTokenBySerial(db: Kysely<DB>, serialNumber: string): Promise<OathTokenRow | undefined> {
  const r = await db.selectFrom('oath_tokens').selectAll().where('serial_number', '=', serialNumber).executeTakeFirst();
  return r && toRow(r);
}

/** Hardware tokens ordered by serial number (unique), keyset-paged after the last serial seen. */
export async function listHardwareTokens(db: Kysely<DB>, o: { limit: number; afterSerial?: string }): Promise<OathTokenRow[]> {
  let q = db.selectFrom('oath_tokens').selectAll().where('kind', '=', 'hardware');
  if (o.afterSerial !== undefined) q = q.where('serial_number', '>', o.afterSerial);
  return (await q.orderBy('serial_number').limit(o.limit).execute()).map(toRow);
}

export async function listUserTokens(db: Kysely<DB>, userId: string, kind?: 'hardware' | 'software'): Promise<OathTokenRow[]> {
  let q = db.selectFrom('oath_tokens').selectAll().where('user_id', '=', userId);
  if (kind) q = q.where('kind', '=', kind);
  return (await q.orderBy('created_at').orderBy('id').execute()).map(toRow);
}

/** How many OATH tokens (hardware and software, any status) a user holds; entra-spec §6.1 caps it at 5. */
export async function countUserTokens(db: Kysely<DB>, userIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('oath_tokens')
    .select(['user_id', sql<string>`count(*)`.as('n')])
    .where('user_id', 'in', userIds)
    .groupBy('user_id')
    .execute();
  for (const r of rows) if (r.user_id) out.set(r.user_id, Number(r.n));
  return out;
}

/** Which of these serial numbers already exist. */
export async function existingSerials(db: Kysely<DB>, serials: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < serials.length; i += 5_000) {
    const rows = await db
      .selectFrom('oath_tokens')
      .select('serial_number')
      .where('serial_number', 'in', serials.slice(i, i + 5_000))
      .execute();
    for (const r of rows) if (r.serial_number) out.add(r.serial_number);
  }
  return out;
}

/**
 * The replay guard (RFC 6238 §5.2): stores `step` as the last accepted step only if it is higher
 * than the stored one, in one statement. True when this caller won; false when another
 * acceptance of the same or a later step got there first.
 */
export async function acceptStep(
  db: Kysely<DB>,
  id: string,
  v: { step: number; drift: number; status?: OathTokenStatus; now: Date },
): Promise<boolean> {
  const args = { id, step: v.step, stepText: String(v.step), drift: v.drift, now: v.now };
  const r = v.status ? await acceptWithStatus.execute(db, { ...args, status: v.status }) : await accept.execute(db, args);
  return r.rows.length > 0;
}

type AcceptArgs = { id: string; step: number; stepText: string; drift: number; now: Date };
/** The conditional replay-state write (`last_step` only moves forward), built once per variant (store/query-template.ts). */
const acceptUpdate = (db: Kysely<DB>, a: AcceptArgs, status?: OathTokenStatus) =>
  db
    .updateTable('oath_tokens')
    .set({ last_step: a.step, drift: a.drift, failed_attempts: 0, locked_until: null, last_used_at: a.now, updated_at: a.now, ...(status ? { status } : {}) })
    .where('id', '=', a.id)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', a.stepText)]))
    .returning('id');
const ACCEPT_ARGS = ['id', 'step', 'stepText', 'drift', 'now'] as const;
const accept = queryTemplate([...ACCEPT_ARGS], (db, a: AcceptArgs) => acceptUpdate(db, a));
const acceptWithStatus = queryTemplate([...ACCEPT_ARGS, 'status'], (db, a: AcceptArgs & { status: OathTokenStatus }) => acceptUpdate(db, a, a.status));

/** Counts one more consecutive failure; returns the new count. */
export async function recordTokenFailure(db: Kysely<DB>, id: string, status?: OathTokenStatus): Promise<number> {
  const r = await db
    .updateTable('oath_tokens')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), updated_at: new Date(), ...(status ? { status } : {}) }))
    .where('id', '=', id)
    .returning('failed_attempts')
    .executeTakeFirst();
  return Number(r?.failed_attempts ?? 0);
}

export async function setTokenLock(db: Kysely<DB>, id: string, lockedUntil: Date | null): Promise<void> {
  await db.updateTable('oath_tokens').set({ locked_until: lockedUntil }).where('id', '=', id).execute();
}

export async function updateToken(
  db: Kysely<DB>,
  id: string,
  patch: Partial<{
    status: OathTokenStatus;
    userId: string | null;
    displayName: string | null;
    failedAttempts: number;
    lockedUntil: Date | null;
  }>,
): Promise<void> {
  await db
    .updateTable('oath_tokens')
    .set({
      updated_at: new Date(),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.userId !== undefined ? { user_id: patch.userId } : {}),
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
      ...(patch.failedAttempts !== undefined ? { failed_attempts: patch.failedAttempts } : {}),
      ...(patch.lockedUntil !== undefined ? { locked_until: patch.lockedUntil } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteToken(db: Kysely<DB>, id: string): Promise<OathTokenRow | undefined> {
  const r = await db.deleteFrom('oath_tokens').where('id', '=', id).returningAll().executeTakeFirst();
  return r && toRow(r);
}

/** Per-user consecutive failures: add one (upsert) and return the count and current lock. */
export async function recordUserFailure(db: Kysely<DB>, userId: string): Promise<number> {
  const r = await db
    .insertInto('oath_user_lockouts')
    .values({ user_id: userId, failed_attempts: 1 })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet((eb) => ({ failed_attempts: eb('oath_user_lockouts.failed_attempts', '+', 1), updated_at: new Date() })),
    )
    .returning('failed_attempts')
    .executeTakeFirst();
  return Number(r?.failed_attempts ?? 0);
}

export async function setUserLock(db: Kysely<DB>, userId: string, lockedUntil: Date | null): Promise<void> {
  await db.updateTable('oath_user_lockouts').set({ locked_until: lockedUntil }).where('user_id', '=', userId).execute();
}

export async function resetUserFailures(db: Kysely<DB>, userId: string): Promise<void> {
  await db
    .updateTable('oath_user_lockouts')
    .set({ failed_attempts: 0, locked_until: null, updated_at: new Date() })
    .where('user_id', '=', userId)
    .where('failed_attempts', '>', 0)
    .execute();
}

export async function userLockout(
  db: Kysely<DB>,
  userId: string,
): Promise<{ failedAttempts: number; lockedUntil: Date | null } | undefined> {
  const r = await db
    .selectFrom('oath_user_lockouts')
    .select(['failed_attempts', 'locked_until'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r && { failedAttempts: Number(r.failed_attempts), lockedUntil: r.locked_until };
}

/** Display names of users, for `assignedTo`. */
export async function userNames(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return out;
  for (const r of await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', unique).execute())
    out.set(r.id, r.display_name);
  return out;
}

/** User ids by lower-cased userPrincipalName (bulk import's `upn` column). */
export async function userIdsByUpn(db: Kysely<DB>, upns: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(upns.map((u) => u.toLowerCase()))];
  for (let i = 0; i < unique.length; i += 5_000) {
    const rows = await db
      .selectFrom('users')
      .select(['id', sql<string>`lower(user_principal_name)`.as('upn')])
      .where(sql<string>`lower(user_principal_name)`, 'in', unique.slice(i, i + 5_000))
      .execute();
    for (const r of rows) out.set(r.upn, r.id);
  }
  return out;
}

export interface VerificationState {
  tokens: OathTokenRow[];
  userLock: { failedAttempts: number; lockedUntil: Date | null } | undefined;
  settings: {
    windowSteps: number;
    activationWindowSteps: number;
    resyncWindowSteps: number;
    tokenLockoutThreshold: number;
    userLockoutThreshold: number;
  };
}

/**
 * Everything a sign-in check needs in one round trip: the user's activated tokens, lockout row
 * and the tenant settings — the hot path of `verifyOathCode`, gathered with concurrent checks
 * into one statement (store/batched-statement.ts, ADR 0013). `offset 0` keeps each lateral
 * lookup from being flattened into a join: without it, a table whose statistics were stale (just
 * after a bulk import, before autovacuum's analyze) was hashed whole for every batch — 3.7 ms for
 * 20 users of 20,000 tokens instead of 0.2 ms.
 */
const verificationStates = batchedStatement<string, VerificationStateRow>({
  name: 'oath_check_read',
  encode: (userId) => ({ uid: userId }),
  single: async (db, userId) => (await verificationStateQuery.execute(db, { userId })).rows as VerificationStateRow[],
  sql: `select u.n, t.*, s.window_steps, s.activation_window_steps, s.resync_window_steps,
  s.token_lockout_threshold, s.user_lockout_threshold,
  l.failed_attempts as user_failed_attempts, l.locked_until as user_locked_until, l.user_id as lock_user_id
from jsonb_to_recordset($1::jsonb) as u(n int, uid uuid)
cross join oath_settings s
left join lateral (select * from oath_tokens t where t.user_id = u.uid and t.status = 'activated' offset 0) t on true
left join lateral (select * from oath_user_lockouts l where l.user_id = u.uid offset 0) l on true
where s.id = 'default'
order by u.n, t.created_at, t.id`,
});

/** The one-user form (store/query-template.ts), for PGlite and transactions. */
const verificationStateQuery = queryTemplate(['userId'], (db, { userId }: { userId: string }) =>
  db
    .selectFrom('oath_settings as s')
    .leftJoin('oath_tokens as t', (j) => j.on('t.user_id', '=', userId).on('t.status', '=', 'activated'))
    .leftJoin('oath_user_lockouts as l', (j) => j.on('l.user_id', '=', userId))
    .selectAll('t')
    .select([
      's.window_steps',
      's.activation_window_steps',
      's.resync_window_steps',
      's.token_lockout_threshold',
      's.user_lockout_threshold',
      'l.failed_attempts as user_failed_attempts',
      'l.locked_until as user_locked_until',
      'l.user_id as lock_user_id',
    ])
    .where('s.id', '=', 'default')
    .orderBy('t.created_at')
    .orderBy('t.id'),
);

type VerificationStateRow = Selectable<OathTokensTable> & {
  window_steps: number;
  activation_window_steps: number;
  resync_window_steps: number;
  token_lockout_threshold: number;
  user_lockout_threshold: number;
  user_failed_attempts: number | null;
  user_locked_until: Date | null;
  lock_user_id: string | null;
};

/** `userId`: a lower-case uuid (verifyOathCode checks the shape first). */
export async function loadVerificationState(db: Kysely<DB>, userId: string): Promise<VerificationState> {
  const rows = await verificationStates.run(db, userId);
  const first = rows[0];
  if (!first) throw new Error('oath_settings row missing (migration 0008)');
  return {
    tokens: rows.filter((r) => r.id !== null).map((r) => toRow(r)),
    userLock: first.lock_user_id ? { failedAttempts: Number(first.user_failed_attempts), lockedUntil: first.user_locked_until } : undefined,
    settings: {
      windowSteps: Number(first.window_steps),
      activationWindowSteps: Number(first.activation_window_steps),
      resyncWindowSteps: Number(first.resync_window_steps),
      tokenLockoutThreshold: Number(first.token_lockout_threshold),
      userLockoutThreshold: Number(first.user_lockout_threshold),
    },
  };
}

export interface StepAcceptance {
  id: string;
  step: number;
  drift: number;
  now: Date;
}

/**
 * `acceptStep` for the sign-in check, gathered with concurrent checks into one statement. Two
 * acceptances for one token never share a statement (of two source rows for one target row,
 * PostgreSQL applies only one); in separate statements the second waits for the row lock and then
 * finds `last_step` no longer below its step, exactly as with `acceptStep`. The redundant
 * `t.id = any(…)` lets the primary key find the rows whatever the statistics say (without it,
 * stale statistics hashed the whole table).
 */
const acceptedSteps = batchedStatement<StepAcceptance, object>({
  name: 'oath_check_accept',
  keyOf: (a) => a.id,
  encode: (a) => ({ id: a.id, step: a.step, drift: a.drift, at: a.now.toISOString() }),
  single: async (db, a) => (await acceptStep(db, a.id, a)) ? [{}] : [],
  sql: `update oath_tokens as t
set last_step = v.step, drift = v.drift, failed_attempts = 0, locked_until = null, last_used_at = v.at, updated_at = v.at
from jsonb_to_recordset($1::jsonb) as v(n int, id uuid, step bigint, drift int, at timestamptz)
where t.id = v.id and (t.last_step is null or t.last_step < v.step)
  and t.id = any(array(select (e->>'id')::uuid from jsonb_array_elements($1::jsonb) e))
returning v.n`,
});

/** Stores an accepted step when it is later than the last one; false when it was not (a replay or a lost race). */
export async function acceptCheckedStep(db: Kysely<DB>, a: StepAcceptance): Promise<boolean> {
  return (await acceptedSteps.run(db, a)).length > 0;
}

/** Legacy per-user MFA state (entra-spec §7.1); no row = `disabled`. */
export async function readPerUserMfaState(db: Kysely<DB>, userId: string): Promise<'disabled' | 'enabled' | 'enforced'> {
  const r = await db.selectFrom('user_mfa_requirements').select('per_user_mfa_state').where('user_id', '=', userId).executeTakeFirst();
  return r?.per_user_mfa_state ?? 'disabled';
}

export async function writePerUserMfaState(db: Kysely<DB>, userId: string, state: 'disabled' | 'enabled' | 'enforced'): Promise<void> {
  await db
    .insertInto('user_mfa_requirements')
    .values({ user_id: userId, per_user_mfa_state: state })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ per_user_mfa_state: state, updated_at: new Date() }))
    .execute();
}
