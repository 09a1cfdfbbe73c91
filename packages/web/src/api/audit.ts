import type { ApiClient } from './client.ts';
import { allOf, literal, query } from './odata.ts';
import type { DirectoryAudit } from './types.ts';

/** Graph audit categories Latchkey writes (Graph `directoryAudit.category`). */
export const AUDIT_CATEGORIES = [
  'UserManagement',
  'GroupManagement',
  'RoleManagement',
  'Policy',
  'ApplicationManagement',
  'KeyManagement',
  'Authentication',
  'Other',
] as const;

export interface AuditFilter {
  category: string;
  /** Matches activities starting with this text ("Add" finds "Add user", "Add member to group"). */
  activity: string;
  result: '' | 'success' | 'failure';
  /** Only entries from the last hour, day, week or month ('' for any time). */
  since: '' | keyof typeof SINCE;
}

/** The "since" choices, in milliseconds before now. */
export const SINCE = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
} as const;

/** The `$filter` for the audit list (forms from Graph `directoryaudit-list.md`). */
export function auditFilter(f: AuditFilter, now: Date = new Date()): string | undefined {
  return allOf([
    f.since && `activityDateTime ge ${new Date(now.getTime() - SINCE[f.since].ms).toISOString()}`,
    f.category && `category eq ${literal(f.category)}`,
    f.activity.trim() && `startswith(activityDisplayName,${literal(f.activity.trim())})`,
    f.result && `result eq ${literal(f.result)}`,
  ]);
}

export const audit = {
  list: (api: ApiClient, f: AuditFilter, signal: AbortSignal) =>
    api.page<DirectoryAudit>(`/auditLogs/directoryAudits${query({ $top: 50, $filter: auditFilter(f) })}`, signal),
  get: (api: ApiClient, id: string, signal: AbortSignal) =>
    api.get<DirectoryAudit>(`/auditLogs/directoryAudits/${encodeURIComponent(id)}`, signal),
};
