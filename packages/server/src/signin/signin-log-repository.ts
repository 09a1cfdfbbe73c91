import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { batchedStatement, returnedBy } from '../store/batched-statement.ts';
import { queryTemplate } from '../store/query-template.ts';
import type { DB } from '../store/schema.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIRST_PARTY: Record<string, string> = { 'latchkey-console': 'Latchkey console', 'latchkey-my': 'My Security Info' };

/** Graph `appliedConditionalAccessPolicy` (the per-policy result of one sign-in). */
export interface AppliedPolicy {
  id: string;
  displayName: string;
  result: string;
  enforcedGrantControls: string[];
}

/** Graph `authenticationDetail`. */
export interface AuthenticationDetail {
  authenticationMethod: string;
  succeeded: boolean;
  authenticationStepDateTime: string;
}

/** One sign-in attempt, as written (Graph `signIn` without the derived fields). */
export interface SignInLogEntry {
  flowId: string | null;
  userId: string | null;
  userPrincipalName: string | null;
  appId: string;
  ipAddress: string | null;
  /** Graph `clientAppUsed` ("Browser", "Mobile Apps and Desktop clients"; client-app.ts); the column defaults to "Browser". */
  clientAppUsed?: string | undefined;
  /** 0 = success; Entra's AADSTS numbers otherwise (docs/signin-logs.md). */
  errorCode: number;
  failureReason: string | null;
  conditionalAccessStatus: 'success' | 'failure' | 'notApplied';
  appliedConditionalAccessPolicies: AppliedPolicy[];
  authenticationDetails: AuthenticationDetail[];
  authenticationRequirement: 'singleFactorAuthentication' | 'multiFactorAuthentication';
  correlationId: string | null;
  /** Graph (beta) `authenticationProtocol`: `deviceCode` for the sign-in that approves a device code (ADR 0019); default `none`. */
  authenticationProtocol?: 'none' | 'deviceCode';
  /** Graph (beta) `originalTransferMethod`: `deviceCodeFlow` for that sign-in and the refreshes of its tokens; default `none`. */
  originalTransferMethod?: 'none' | 'deviceCodeFlow';
  at: Date;
}

/** Graph `signIn` as `GET /auditLogs/signIns` returns it. */
export interface SignInLogRow {
  id: string;
  createdDateTime: string;
  userId: string | null;
  userPrincipalName: string | null;
  appId: string;
  appDisplayName: string | null;
  ipAddress: string | null;
  clientAppUsed: string;
  status: { errorCode: number; failureReason: string | null };
  conditionalAccessStatus: string;
  appliedConditionalAccessPolicies: AppliedPolicy[];
  authenticationDetails: AuthenticationDetail[];
  authenticationRequirement: string;
  correlationId: string | null;
  /** False for a refresh (a non-interactive sign-in; migration 0020). */
  isInteractive: boolean;
  /** Graph (beta): `deviceCode` or `none` (migration 0022). */
  authenticationProtocol: string;
  /** Graph (beta): `deviceCodeFlow` or `none` (migration 0022). */
  originalTransferMethod: string;
}

/**
 * Appends one row (the log is append-only: nothing updates or deletes rows). The app's name is
 * copied at write time, by a subselect in the same statement (one round trip on the sign-in path).
 */
export async function appendSignInLog(db: Kysely<DB>, e: SignInLogEntry): Promise<void> {
  await appends.run(db, signInLogItemOf(e));
}

/** The row `appendSignInLog` writes for `e`, as an item of `signInLogInsertSql` (also written by signin/completion-repository.ts). */
export function signInLogItemOf(e: SignInLogEntry): SignInLogItem {
  const row: LogRow = {
    id: randomUUID(),
    created_at: e.at,
    flow_id: e.flowId,
    user_id: e.userId,
    user_principal_name: e.userPrincipalName?.slice(0, 256) ?? null,
    app_id: e.appId,
    ip_address: e.ipAddress,
    client_app_used: e.clientAppUsed ?? 'Browser', // the column's default (migration 0011)
    error_code: e.errorCode,
    failure_reason: e.failureReason,
    conditional_access_status: e.conditionalAccessStatus,
    applied_policies: e.appliedConditionalAccessPolicies,
    authentication_details: e.authenticationDetails,
    authentication_requirement: e.authenticationRequirement,
    correlation_id: e.correlationId,
    authentication_protocol: e.authenticationProtocol ?? 'none',
    original_transfer_method: e.originalTransferMethod ?? 'none',
  };
  // applications.app_id is a uuid; Latchkey's own clients (latchkey-console, latchkey-my) are named, not registered.
  const registered = GUID.test(e.appId);
  return { ...row, registered_app: registered ? e.appId : null, named_app: registered ? null : (FIRST_PARTY[e.appId] ?? null) };
}

export type SignInLogItem = LogRow & { registered_app: string | null; named_app: string | null };
/** `SignInLogItem` as JSON for `signInLogInsertSql`. */
export const encodeSignInLogItem = (r: SignInLogItem) => ({ ...r, created_at: r.created_at.toISOString() });

/**
 * Inserts the log rows of `source`, a jsonb array of encoded items (`encodeSignInLogItem`): a
 * registered app's name is copied from `applications`, Latchkey's own clients carry theirs.
 * `after`: only the items whose `n` that CTE returned (store/batched-statement.ts `returnedBy`).
 */
export const signInLogInsertSql = (
  source: string,
  after?: string,
) => `insert into signin_log (id, created_at, flow_id, user_id, user_principal_name, app_id, app_display_name, ip_address, client_app_used,
  error_code, failure_reason, conditional_access_status, applied_policies, authentication_details, authentication_requirement, correlation_id,
  authentication_protocol, original_transfer_method)
select v.id, v.created_at, v.flow_id, v.user_id, v.user_principal_name, v.app_id,
  coalesce(v.named_app, (select a.display_name from applications a where a.app_id = v.registered_app)),
  v.ip_address, v.client_app_used, v.error_code, v.failure_reason, v.conditional_access_status, v.applied_policies,
  v.authentication_details, v.authentication_requirement, v.correlation_id, v.authentication_protocol, v.original_transfer_method
from jsonb_to_recordset(${source}) as v(n int, id uuid, created_at timestamptz, flow_id uuid, user_id uuid, user_principal_name text,
  app_id text, registered_app uuid, named_app text, ip_address text, client_app_used text, error_code int, failure_reason text,
  conditional_access_status text, applied_policies jsonb, authentication_details jsonb, authentication_requirement text, correlation_id text,
  authentication_protocol text, original_transfer_method text)${after ? `
where ${returnedBy(after)}` : ''}`;

type LogRow = {
  id: string;
  created_at: Date;
  flow_id: string | null;
  user_id: string | null;
  user_principal_name: string | null;
  app_id: string;
  ip_address: string | null;
  client_app_used: string;
  error_code: number;
  failure_reason: string | null;
  conditional_access_status: string;
  applied_policies: unknown;
  authentication_details: unknown;
  authentication_requirement: string;
  correlation_id: string | null;
  authentication_protocol: string;
  original_transfer_method: string;
};
/**
 * A row per sign-in attempt: rows of concurrent sign-ins are appended by one statement
 * (store/batched-statement.ts, ADR 0013). A registered app's name is copied from `applications`
 * (`registered_app`: its `app_id`, a uuid); Latchkey's own clients carry theirs (`named_app`).
 */
const appends = batchedStatement<SignInLogItem, object>({
  name: 'signin_log_append',
  encode: encodeSignInLogItem,
  single: (db, item) => insertSignInLogRow(db, item),
  sql: signInLogInsertSql('$1::jsonb'),
});

/** The one-row form: for PGlite and transactions. */
export async function insertSignInLogRow(db: Kysely<DB>, { registered_app, named_app, ...r }: SignInLogItem): Promise<never[]> {
  const row = {
    ...r,
    applied_policies: JSON.stringify(r.applied_policies),
    authentication_details: JSON.stringify(r.authentication_details),
  };
  if (registered_app) await insertForRegisteredApp.execute(db, row);
  else await insertNamed.execute(db, { ...row, app_display_name: named_app });
  return [];
}

type SingleRow = Omit<LogRow, 'applied_policies' | 'authentication_details'> & { applied_policies: string; authentication_details: string };
const LOG_COLUMNS = [
  'id',
  'created_at',
  'flow_id',
  'user_id',
  'user_principal_name',
  'app_id',
  'ip_address',
  'client_app_used',
  'error_code',
  'failure_reason',
  'conditional_access_status',
  'applied_policies',
  'authentication_details',
  'authentication_requirement',
  'correlation_id',
  'authentication_protocol',
  'original_transfer_method',
] as const;
/** The one-row forms (store/query-template.ts), for PGlite and transactions. */
const insertForRegisteredApp = queryTemplate([...LOG_COLUMNS], (db, row: SingleRow) =>
  db
    .insertInto('signin_log')
    .values({ ...row, app_display_name: sql<string | null>`(select display_name from applications where app_id = ${row.app_id}::uuid)` }),
);
const insertNamed = queryTemplate([...LOG_COLUMNS, 'app_display_name'], (db, row: SingleRow & { app_display_name: string | null }) =>
  db.insertInto('signin_log').values(row),
);

type Row = { [K in keyof DB['signin_log']]: any };
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toRow(r: Row): SignInLogRow {
  return {
    id: r.id,
    createdDateTime: new Date(r.created_at).toISOString(),
    userId: r.user_id,
    userPrincipalName: r.user_principal_name,
    appId: r.app_id,
    appDisplayName: r.app_display_name,
    ipAddress: r.ip_address,
    clientAppUsed: r.client_app_used,
    status: { errorCode: Number(r.error_code), failureReason: r.failure_reason },
    conditionalAccessStatus: r.conditional_access_status,
    appliedConditionalAccessPolicies: json(r.applied_policies),
    authenticationDetails: json(r.authentication_details),
    authenticationRequirement: r.authentication_requirement,
    correlationId: r.correlation_id,
    isInteractive: r.is_interactive !== false,
    authenticationProtocol: r.authentication_protocol ?? 'none',
    originalTransferMethod: r.original_transfer_method ?? 'none',
  };
}

/**
 * Newest first, keyset-paged on (created_at, id): `after` is the last row of the previous page.
 * `where` is the compiled `$filter` (odata/sql.ts over the columns of `SIGNIN_LOG_FILTER`).
 */
export async function listSignInLogs(
  db: Kysely<DB>,
  o: { top: number; after?: { at: Date; id: string } | undefined; where?: RawBuilder<boolean> | undefined },
): Promise<SignInLogRow[]> {
  let q = db.selectFrom('signin_log').selectAll();
  if (o.where) q = q.where(o.where);
  if (o.after) {
    const { at, id } = o.after;
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.top).execute();
  return rows.map((r) => toRow(r as Row));
}
