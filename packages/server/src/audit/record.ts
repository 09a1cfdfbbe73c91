import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { GENESIS_HASH, entryHash, type ChainedContent } from './chain.ts';

export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

/** A Graph `targetResource`. */
export interface TargetResource {
  id: string;
  displayName?: string | null;
  type: 'User' | 'Group' | 'Role' | 'Policy' | 'Application' | 'ServicePrincipal' | 'Device' | 'Other';
  userPrincipalName?: string | null;
  modifiedProperties?: ModifiedProperty[];
}

export interface AuditEvent {
  /** Graph categories: UserManagement, GroupManagement, RoleManagement, Policy, ApplicationManagement, KeyManagement, Authentication… */
  category: string;
  /** e.g. "Add user", "Add member to group". */
  activity: string;
  operationType: 'Add' | 'Update' | 'Delete' | 'Assign' | 'Unassign' | 'Other';
  result?: 'success' | 'failure';
  resultReason?: string;
  targets?: TargetResource[];
  details?: Record<string, string>;
}

/** Serialises appends: the chain needs each writer to see the previous hash. */
const AUDIT_LOCK_KEY = 7_460_901;

/**
 * Appends one entry to the audit trail inside the caller's transaction, so the entry exists if and
 * only if the change it records is committed. Never put secrets in targets or details. Given a
 * plain `Kysely` (no change to record alongside), it opens its own transaction: the advisory lock
 * only serialises writers for the length of a transaction.
 */
export async function recordAudit(trx: Transaction<DB> | Kysely<DB>, ctx: RequestContext, event: AuditEvent): Promise<void> {
  if (!trx.isTransaction) return trx.transaction().execute((t) => append(t, ctx, event));
  return append(trx, ctx, event);
}

/**
 * Appends several entries in one transaction — one lock, one read of the chain's head, one
 * multi-row insert — in the given order (bulk changes that audit each item). Same rules as
 * `recordAudit`.
 */
export async function recordAuditMany(trx: Transaction<DB> | Kysely<DB>, items: ReadonlyArray<{ ctx: RequestContext; event: AuditEvent }>): Promise<void> {
  if (!items.length) return;
  if (!trx.isTransaction) return trx.transaction().execute((t) => appendMany(t, items));
  return appendMany(trx, items);
}

async function append(trx: Kysely<DB>, ctx: RequestContext, event: AuditEvent): Promise<void> {
  return appendMany(trx, [{ ctx, event }]);
}

async function appendMany(trx: Kysely<DB>, items: ReadonlyArray<{ ctx: RequestContext; event: AuditEvent }>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows = items.map(({ ctx, event }) => {
    const row = rowOf(ctx, event, ++seq, prevHash);
    prevHash = row.hash;
    return row;
  });
  await trx.insertInto('audit_log').values(rows).execute();
}

function rowOf(ctx: RequestContext, event: AuditEvent, seq: number, prevHash: string) {
  const p = ctx.principal;
  const initiatedBy =
    p.kind === 'user'
      ? { user: { id: p.id, displayName: p.displayName, userPrincipalName: p.userPrincipalName ?? null, ipAddress: ctx.ipAddress } }
      : p.kind === 'servicePrincipal'
        ? { app: { appId: p.appId ?? null, displayName: p.displayName, servicePrincipalId: p.id, servicePrincipalName: p.displayName } }
        : { app: { appId: null, displayName: p.displayName, servicePrincipalId: null, servicePrincipalName: 'Latchkey' } };
  const content: ChainedContent = storable({
    seq,
    id: crypto.randomUUID(),
    activityDateTime: new Date().toISOString(),
    category: event.category,
    activityDisplayName: event.activity,
    operationType: event.operationType,
    result: event.result ?? 'success',
    resultReason: event.resultReason ?? null,
    initiatedBy,
    targetResources: (event.targets ?? []).map((t) => ({ modifiedProperties: [], ...t })),
    additionalDetails: Object.entries(event.details ?? {}).map(([key, value]) => ({ key, value })),
    correlationId: ctx.correlationId,
    ipAddress: ctx.ipAddress,
    loggedByService: 'Core Directory',
  });
  return {
    seq: content.seq,
    id: content.id,
    activity_date_time: content.activityDateTime,
    category: content.category,
    activity_display_name: content.activityDisplayName,
    operation_type: content.operationType,
    result: content.result,
    result_reason: content.resultReason,
    initiated_by: JSON.stringify(content.initiatedBy),
    target_resources: JSON.stringify(content.targetResources),
    additional_details: JSON.stringify(content.additionalDetails),
    correlation_id: content.correlationId,
    ip_address: content.ipAddress,
    logged_by_service: content.loggedByService,
    prev_hash: prevHash,
    hash: entryHash(prevHash, content),
  };
}

/**
 * What PostgreSQL will store and give back unchanged: text and jsonb cannot hold NUL, and lone
 * UTF-16 surrogates come back as U+FFFD. Normalising first keeps the hash of what was written equal
 * to the hash of what is read back (otherwise `verify` would report an honest entry as edited).
 */
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed().replaceAll('\0', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  return value;
}
