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
}

/** The `$filter` for the audit list (forms from Graph `directoryaudit-list.md`). */
export function auditFilter(f: AuditFilter): string | undefined {
  return allOf([
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
