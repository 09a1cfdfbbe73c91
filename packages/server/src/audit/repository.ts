import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { AuditLogTable, DB } from '../store/schema.ts';
import type { ChainedContent } from './chain.ts';
import type { AuditCondition, AuditFilterField } from './filter.ts';
import type { ModifiedProperty, TargetResource } from './record.ts';

/** A Graph `directoryAudit` (entra-spec: Graph `directoryaudit.md` resource shape). */
export interface DirectoryAudit {
  id: string;
  category: string;
  correlationId: string | null;
  result: string;
  resultReason: string | null;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  operationType: string;
  initiatedBy: { user: Record<string, unknown> | null; app: Record<string, unknown> | null };
  targetResources: Array<{
    id: string;
    displayName: string | null;
    type: string | null;
    userPrincipalName: string | null;
    modifiedProperties: ModifiedProperty[];
  }>;
  additionalDetails: Array<{ key: string; value: string }>;
}

export type AuditRow = Selectable<AuditLogTable>;

/** One row as the chain sees it: the hashed content plus the stored links. */
export interface ChainRow {
  content: ChainedContent;
  prevHash: string;
  hash: string;
}

export interface ListAuditOptions {
  conditions: readonly AuditCondition[];
  /** Page size. */
  top: number;
  /** Keyset: only entries older than this sequence number (the previous page's last). */
  beforeSeq?: number | undefined;
}

/** SQL for each string field of the filter (jsonb paths for the initiator). */
const COLUMN: Record<Exclude<AuditFilterField, 'targetResourceId' | 'targetResourceDisplayName'>, RawBuilder<string>> = {
  id: sql<string>`id::text`,
  category: sql<string>`category`,
  activityDisplayName: sql<string>`activity_display_name`,
  result: sql<string>`result`,
  correlationId: sql<string>`correlation_id`,
  loggedByService: sql<string>`logged_by_service`,
  operationType: sql<string>`operation_type`,
  initiatedByUserId: sql<string>`initiated_by -> 'user' ->> 'id'`,
  initiatedByUserDisplayName: sql<string>`initiated_by -> 'user' ->> 'displayName'`,
  initiatedByUserPrincipalName: sql<string>`initiated_by -> 'user' ->> 'userPrincipalName'`,
  initiatedByAppId: sql<string>`initiated_by -> 'app' ->> 'appId'`,
  initiatedByAppDisplayName: sql<string>`initiated_by -> 'app' ->> 'displayName'`,
};

const COMPARATOR = { eq: '=', ge: '>=', le: '<=', gt: '>', lt: '<' } as const;

/** One filter condition as a SQL predicate. `startswith` is case-insensitive, as in Graph. */
function predicate(c: AuditCondition): RawBuilder<boolean> {
  if (c.field === 'activityDateTime') return sql<boolean>`activity_date_time ${sql.raw(COMPARATOR[c.op])} ${c.value}`;
  if (c.field === 'targetResourceId') return sql<boolean>`target_resources @> ${JSON.stringify([{ id: c.value }])}::jsonb`;
  if (c.field === 'targetResourceDisplayName') {
    const test = c.op === 'eq' ? sql`t ->> 'displayName' = ${c.value}` : sql`starts_with(lower(t ->> 'displayName'), lower(${c.value}))`;
    return sql<boolean>`exists (select 1 from jsonb_array_elements(target_resources) as t where ${test})`;
  }
  const column = COLUMN[c.field];
  return c.op === 'eq' ? sql<boolean>`${column} = ${c.value}` : sql<boolean>`starts_with(lower(${column}), lower(${c.value}))`;
}

/** Newest first. `nextBeforeSeq` is set when more entries match. */
export async function listDirectoryAudits(
  db: Kysely<DB>,
  o: ListAuditOptions,
): Promise<{ items: DirectoryAudit[]; nextBeforeSeq: number | null }> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(o.top + 1);
  if (o.beforeSeq !== undefined) q = q.where('seq', '<', o.beforeSeq);
  for (const c of o.conditions) q = q.where(predicate(c));
  const rows = await q.execute();
  const more = rows.length > o.top;
  const page = more ? rows.slice(0, o.top) : rows;
  return { items: page.map(toDirectoryAudit), nextBeforeSeq: more ? Number(page[page.length - 1]!.seq) : null };
}

/** One entry by id; undefined when absent (including ids that are not UUIDs). */
export async function findDirectoryAudit(db: Kysely<DB>, id: string): Promise<DirectoryAudit | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const row = await db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toDirectoryAudit(row) : undefined;
}

/** Up to `limit` chain rows after `afterSeq`, in sequence order (the verifier's batches). */
export async function readChainBatch(db: Kysely<DB>, afterSeq: number, limit: number): Promise<ChainRow[]> {
  const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(limit).execute();
  return rows.map((r) => ({ content: toChainedContent(r), prevHash: r.prev_hash, hash: r.hash }));
}

/** How many entries the log holds (for progress). */
export async function countAuditEntries(db: Kysely<DB>): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The newest entry's sequence number and hash, or undefined for an empty log. */
export async function auditHead(db: Kysely<DB>): Promise<{ seq: number; hash: string } | undefined> {
  const r = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return r ? { seq: Number(r.seq), hash: r.hash } : undefined;
}

/** Rebuilds exactly what `recordAudit` hashed from a stored row. */
export function toChainedContent(r: AuditRow): ChainedContent {
  return {
    seq: Number(r.seq),
    id: r.id,
    activityDateTime: new Date(r.activity_date_time).toISOString(),
    category: r.category,
    activityDisplayName: r.activity_display_name,
    operationType: r.operation_type,
    result: r.result,
    resultReason: r.result_reason,
    initiatedBy: r.initiated_by,
    targetResources: r.target_resources,
    additionalDetails: r.additional_details,
    correlationId: r.correlation_id,
    ipAddress: r.ip_address,
    loggedByService: r.logged_by_service,
  };
}

/** Stored row → Graph directoryAudit JSON. */
export function toDirectoryAudit(r: AuditRow): DirectoryAudit {
  const initiatedBy = (r.initiated_by ?? {}) as { user?: Record<string, unknown>; app?: Record<string, unknown> };
  return {
    id: r.id,
    category: r.category,
    correlationId: r.correlation_id,
    result: r.result,
    resultReason: r.result_reason,
    activityDisplayName: r.activity_display_name,
    activityDateTime: new Date(r.activity_date_time).toISOString(),
    loggedByService: r.logged_by_service,
    operationType: r.operation_type,
    initiatedBy: { user: initiatedBy.user ?? null, app: initiatedBy.app ?? null },
    targetResources: (r.target_resources as TargetResource[]).map((t) => ({
      id: t.id,
      displayName: t.displayName ?? null,
      type: t.type ?? null,
      userPrincipalName: t.userPrincipalName ?? null,
      modifiedProperties: t.modifiedProperties ?? [],
    })),
    additionalDetails: r.additional_details as Array<{ key: string; value: string }>,
  };
}
