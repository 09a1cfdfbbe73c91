import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import { batchedStatement, onlyAfter } from '../store/batched-statement.ts';
import { queryTemplate } from '../store/query-template.ts';
import type { FlowSnapshot, PerformedMethod, SignInMethod, SignInState } from './machine.ts';
import type { LockoutState } from './lockout.ts';
import type { RequestedAcr } from './requested-acr.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A persisted flow: the machine's snapshot plus its identity and concurrency token. */
export interface StoredFlow extends FlowSnapshot {
  id: string;
  interactionUid: string;
  clientId: string;
  loginHint: string | null;
  /** Lockout key of the entered name (user id, or a hash of an unknown name). */
  accountKey: string | null;
  /** Set when the flow approves a device code (RFC 8628, ADR 0019): its sign-in log entries say so. */
  originalTransferMethod?: 'deviceCodeFlow';
  /** The `acr` the app asked for (signin/requested-acr.ts); absent when it asked for none. */
  requestedAcr?: RequestedAcr;
  version: number;
}

/** A `signin_flows` row as the driver returns it. */
export type FlowRow = DB['signin_flows'] extends infer T ? { [K in keyof T]: any } : never;
type Row = FlowRow;

export function toFlow(r: Row): StoredFlow {
  const performed = (typeof r.methods_performed === 'string' ? JSON.parse(r.methods_performed) : r.methods_performed) as PerformedMethod[];
  const offered = (typeof r.methods_offered === 'string' ? JSON.parse(r.methods_offered) : r.methods_offered) as SignInMethod[];
  return {
    id: r.id,
    interactionUid: r.interaction_uid,
    clientId: r.client_id,
    loginHint: r.login_hint,
    accountKey: r.account_key,
    state: r.state as SignInState,
    userId: r.user_id,
    identified: r.login_hint !== null || r.user_id !== null,
    methodsOffered: offered,
    methodsPerformed: performed,
    failures: Number(r.failures),
    failureReason: r.failure_reason,
    expiresAt: new Date(r.expires_at),
    ...(r.original_transfer_method === 'deviceCodeFlow' ? { originalTransferMethod: 'deviceCodeFlow' as const } : {}),
    ...(r.requested_acr ? { requestedAcr: (typeof r.requested_acr === 'string' ? JSON.parse(r.requested_acr) : r.requested_acr) as RequestedAcr } : {}),
    version: Number(r.version),
  };
}

/** Inserts a new flow for an interaction; returns the existing one when the interaction already has one. */
export async function insertFlow(db: Db, f: Omit<StoredFlow, 'version'>): Promise<StoredFlow> {
  const inserted = await db
    .insertInto('signin_flows')
    .values({
      id: f.id,
      state: f.state,
      interaction_uid: f.interactionUid,
      client_id: f.clientId,
      login_hint: f.loginHint,
      user_id: f.userId,
      account_key: f.accountKey,
      methods_offered: JSON.stringify(f.methodsOffered),
      methods_performed: JSON.stringify(f.methodsPerformed),
      failure_reason: f.failureReason,
      expires_at: f.expiresAt,
      ...(f.originalTransferMethod ? { original_transfer_method: f.originalTransferMethod } : {}),
      ...(f.requestedAcr ? { requested_acr: JSON.stringify(f.requestedAcr) } : {}),
    })
    .onConflict((oc) => oc.column('interaction_uid').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return toFlow(inserted as Row);
  return (await findFlowByInteraction(db, f.interactionUid))!;
}

export async function findFlowByInteraction(db: Db, interactionUid: string): Promise<StoredFlow | undefined> {
  const r = (await findsByInteraction.run(db, interactionUid))[0];
  return r && toFlow(r);
}

/** Every request of the sign-in page reads its flow: concurrent reads share one statement (store/batched-statement.ts, ADR 0013). */
const findsByInteraction = batchedStatement<string, Row>({
  name: 'signin_flow_find',
  encode: (uid) => ({ uid }),
  single: async (db, interactionUid) => (await findByInteractionQuery.execute(db, { interactionUid })).rows as Row[],
  sql: `select b.n, f.* from jsonb_to_recordset($1::jsonb) as b(n int, uid text)
join lateral (select * from signin_flows f where f.interaction_uid = b.uid offset 0) f on true`,
});

/**
 * Saves `next` only if the row still has `expectedVersion` (optimistic concurrency); returns
 * the saved flow with its new version, or undefined when another request moved it first.
 */
export async function saveFlow(db: Db, next: StoredFlow, expectedVersion: number): Promise<StoredFlow | undefined> {
  const r = (await saves.run(db, { next, expectedVersion, now: new Date() }))[0];
  return r && toFlow(r);
}

/**
 * The flow is saved after every step: saves from concurrent sign-ins share one statement; two
 * saves of one flow never do, and each keeps its own version check (the second, in a later
 * statement, finds the version moved). The redundant `f.id = any(…)` keeps the lookup on the
 * primary key whatever the statistics say.
 */
const saves = batchedStatement<FlowSave, Row>({
  name: 'signin_flow_save',
  keyOf: (s) => s.next.id,
  encode: encodeFlowSave,
  single: (db, save) => saveFlowRow(db, save),
  sql: flowSaveSql('$1::jsonb'),
});

/** A flow save: `next` written only if the row still has `expectedVersion`. */
export type FlowSave = { next: StoredFlow; expectedVersion: number; now: Date };

/** `FlowSave` as JSON for `flowSaveSql`. */
export function encodeFlowSave({ next, expectedVersion, now }: FlowSave) {
  return {
    id: next.id,
    state: next.state,
    user_id: next.userId,
    login_hint: next.loginHint,
    account_key: next.accountKey,
    offered: next.methodsOffered,
    performed: next.methodsPerformed,
    failures: next.failures,
    failure_reason: next.failureReason,
    expires_at: next.expiresAt.toISOString(), // the registration interrupt extends the flow to 15 minutes (docs/tap.md)
    expected_version: expectedVersion,
    now: now.toISOString(),
  };
}

/**
 * Saves the flows of `source` (a jsonb array of `encodeFlowSave` items with `n`), each only at its
 * expected version; returns `returning` (by default `n` and the saved row). `after`: only the items
 * whose `n` that CTE returned (store/batched-statement.ts `onlyAfter`).
 */
export function flowSaveSql(source: string, after?: string, returning = 'v.n, f.*'): string {
  return `update signin_flows as f
set state = v.state, user_id = v.user_id, login_hint = v.login_hint, account_key = v.account_key,
  methods_offered = v.offered, methods_performed = v.performed, failures = v.failures, failure_reason = v.failure_reason,
  expires_at = v.expires_at, version = v.expected_version + 1, updated_at = v.now
from jsonb_to_recordset(${source}) as v(n int, id uuid, state text, user_id uuid, login_hint text, account_key text, offered jsonb,
  performed jsonb, failures int, failure_reason text, expires_at timestamptz, expected_version int, now timestamptz)
where f.id = v.id and f.version = v.expected_version
  and f.id = any(array(select (e->>'id')::uuid from jsonb_array_elements(${source}) e))${onlyAfter(after)}
returning ${returning}`;
}

/** The one-row form of a flow save: for PGlite and transactions. */
export async function saveFlowRow(db: Db, { next, expectedVersion, now }: FlowSave): Promise<Row[]> {
  return (
    await saveQuery.execute(db as Kysely<DB>, {
      id: next.id,
      state: next.state,
      userId: next.userId,
      loginHint: next.loginHint,
      accountKey: next.accountKey,
      offered: JSON.stringify(next.methodsOffered),
      performed: JSON.stringify(next.methodsPerformed),
      failures: next.failures,
      failureReason: next.failureReason,
      expiresAt: next.expiresAt,
      expectedVersion,
      version: expectedVersion + 1,
      now,
    })
  ).rows as Row[];
}

/** The one-row forms (store/query-template.ts), for PGlite and transactions. */
const findByInteractionQuery = queryTemplate(['interactionUid'], (db, { interactionUid }: { interactionUid: string }) =>
  db.selectFrom('signin_flows').selectAll().where('interaction_uid', '=', interactionUid),
);
type SaveArgs = {
  id: string;
  state: string;
  userId: string | null;
  loginHint: string | null;
  accountKey: string | null;
  offered: string;
  performed: string;
  failures: number;
  failureReason: string | null;
  expiresAt: Date;
  expectedVersion: number;
  version: number;
  now: Date;
};
/** Built once (store/query-template.ts): the flow is saved after every step. */
const saveQuery = queryTemplate(
  [
    'id',
    'state',
    'userId',
    'loginHint',
    'accountKey',
    'offered',
    'performed',
    'failures',
    'failureReason',
    'expiresAt',
    'expectedVersion',
    'version',
    'now',
  ],
  (db, a: SaveArgs) =>
    db
      .updateTable('signin_flows')
      .set({
        state: a.state as SignInState,
        user_id: a.userId,
        login_hint: a.loginHint,
        account_key: a.accountKey,
        methods_offered: a.offered,
        methods_performed: a.performed,
        failures: a.failures,
        failure_reason: a.failureReason,
        expires_at: a.expiresAt,
        version: a.version,
        updated_at: a.now,
      })
      .where('id', '=', a.id)
      .where('version', '=', a.expectedVersion)
      .returningAll(),
);

/** Deletes flows that expired before `now` minus a day (kept a day for support questions). */
export async function sweepFlows(db: Db, now = new Date()): Promise<number> {
  const r = await db
    .deleteFrom('signin_flows')
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function loadLockout(db: Db, accountKey: string): Promise<LockoutState | undefined> {
  const r = await db
    .selectFrom('signin_lockouts')
    .select(['failures', 'locked_until'])
    .where('account_key', '=', accountKey)
    .executeTakeFirst();
  return r && { failures: Number(r.failures), lockedUntil: r.locked_until ? new Date(r.locked_until) : null };
}

/**
 * Records one failure atomically (`insert … on conflict do update`, so parallel failures all
 * count) and returns the new count; the caller derives the lock from it.
 */
export async function countFailure(db: Db, accountKey: string, now: Date): Promise<number> {
  const r = await db
    .insertInto('signin_lockouts')
    .values({ account_key: accountKey, failures: 1, last_failure_at: now })
    .onConflict((oc) =>
      oc.column('account_key').doUpdateSet((eb) => ({ failures: eb('signin_lockouts.failures', '+', 1), last_failure_at: now })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(r.failures);
}

export async function setLockedUntil(db: Db, accountKey: string, until: Date): Promise<void> {
  await db.updateTable('signin_lockouts').set({ locked_until: until }).where('account_key', '=', accountKey).execute();
}

export async function clearLockout(db: Db, accountKey: string): Promise<void> {
  await db.deleteFrom('signin_lockouts').where('account_key', '=', accountKey).execute();
}

/** Forgets lockout counters with no failure for a day (a quiet day resets the count). */
export async function sweepLockouts(db: Db, now = new Date()): Promise<number> {
  const r = await db
    .deleteFrom('signin_lockouts')
    .where('last_failure_at', '<', new Date(now.getTime() - 86_400_000))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
