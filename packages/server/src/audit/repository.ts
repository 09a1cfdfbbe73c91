import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditLogTable, DB } from '../store/schema.ts';
import type { ChainedContent } from './chain.ts';
import type { AuditCondition } from './filter.ts';
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
  targetResources: Array<{ id: string; displayName: string | null; type: string | null; userPrincipalName: string | null; modifiedProperties: ModifiedProperty[] }>;
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

/** Newest first. `nextBeforeSeq` is set when more entries match. */
export async function listDirectoryAudits(db: Kysely<DB>, o: ListAuditOptions): Promise<{ items: DirectoryAudit[]; nextBeforeSeq: number | null }> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(o.top + 1);
  if (o.beforeSeq !== undefined) q = q.where('seq', '<', o.beforeSeq);
  for (const c of o.conditions) {
    switch (c.field) {
      case 'activityDateTime':
        q = q.where('activity_date_time', c.op === 'ge' ? '>=' : c.op === 'le' ? '<=' : c.op === 'gt' ? '>' : '<', c.value);
        break;
      case 'category':
        q = q.where('category', '=', c.value);
        break;
      case 'activityDisplayName':
        q = q.where('activity_display_name', '=', c.value);
        break;
      case 'result':
        q = q.where('result', '=', c.value);
        break;
      case 'correlationId':
        q = q.where('correlation_id', '=', c.value);
        break;
      case 'initiatedByUserId':
        q = q.where(sql<string>`initiated_by -> 'user' ->> 'id'`, '=', c.value);
        break;
      case 'targetResourceId':
        q = q.where(sql<boolean>`target_resources @> ${JSON.stringify([{ id: c.value }])}::jsonb`);
        break;
    }
  }
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
  const r = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
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
