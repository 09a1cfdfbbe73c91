import { useCallback, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { audit, type AuditFilter } from '../../api/audit.ts';
import type { DirectoryAudit } from '../../api/types.ts';
import { ErrorAlert } from '../../components/feedback.tsx';
import { formatDateTime, identityName } from '../../components/format.ts';
import { Badge } from '../../components/ListToolbar.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useDebounced } from '../../components/useDebounced.ts';
import { usePagedList } from '../../components/usePagedList.ts';
import { Link, navigate } from '../../router.tsx';
import { AuditDrawer } from './AuditDrawer.tsx';
import { AuditFilters } from './AuditFilters.tsx';

const NO_FILTER: AuditFilter = { category: '', activity: '', result: '', since: '' };

/** /admin/audit: the audit trail, newest first, filterable, with a detail drawer per entry. */
export function AuditPage({ selectedId }: { selectedId: string | null }) {
  const api = useApi();
  const [filter, setFilter] = useState<AuditFilter>(NO_FILTER);
  const activity = useDebounced(filter.activity.trim());
  const applied: AuditFilter = { ...filter, activity };
  const key = `audit:${applied.category}|${applied.activity}|${applied.result}|${applied.since}`;
  const list = usePagedList<DirectoryAudit>(
    key,
    (signal) => audit.list(api, applied, signal),
    useCallback((link: string, signal: AbortSignal) => api.page<DirectoryAudit>(link, signal), [api]),
  );
  const filtered = filter.category || filter.activity || filter.result || filter.since;
  const selected = list.items.find((e) => e.id === selectedId);

  return (
    <section aria-labelledby="audit-heading">
      <div className="page-head">
        <div>
          <h1 id="audit-heading" className="page-title">
            Audit log
          </h1>
          <p className="page-lead">
            Every change to the directory and to policies, newest first. Entries are hash-chained: <code>latchkey audit verify</code>{' '}
            detects edits.
          </p>
        </div>
        <button type="button" className="btn btn-secondary" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </div>
      <AuditFilters filter={filter} onChange={setFilter} onClear={() => setFilter(NO_FILTER)} />
      {list.error && !list.loading ? <ErrorAlert title="Could not load the audit log" error={list.error} onRetry={list.reload} /> : null}
      <PagedTable
        list={list}
        label="Audit entries"
        noun="entries"
        loadingLabel="Loading audit entries…"
        empty={{ title: filtered ? 'No entries match these filters.' : 'No audit entries yet.' }}
        headers={['Date', 'Activity', 'Category', 'Initiated by', 'Target', 'Result']}
        selectedId={selectedId}
        hrefOf={(e) => `/admin/audit/${e.id}`}
        counted={false}
        cells={(e) => (
          <>
            <td className="nowrap">{formatDateTime(e.activityDateTime)}</td>
            <td>
              <Link href={`/admin/audit/${e.id}`} className="row-link" onClick={(ev) => ev.stopPropagation()}>
                {e.activityDisplayName}
              </Link>
            </td>
            <td>{e.category}</td>
            <td>{identityName(e.initiatedBy.user) ?? identityName(e.initiatedBy.app) ?? <span className="muted">—</span>}</td>
            <td>{targetSummary(e)}</td>
            <td>{e.result === 'success' ? <Badge tone="success">Success</Badge> : <Badge tone="danger">{e.result}</Badge>}</td>
          </>
        )}
      />
      {selectedId ? <AuditDrawer id={selectedId} known={selected} onClose={() => navigate('/admin/audit')} /> : null}
    </section>
  );
}

function targetSummary(e: DirectoryAudit) {
  const first = e.targetResources[0];
  if (!first) return <span className="muted">—</span>;
  const name = first.userPrincipalName ?? first.displayName ?? first.id;
  return (
    <>
      {name}
      {e.targetResources.length > 1 ? <span className="muted"> +{e.targetResources.length - 1}</span> : null}
    </>
  );
}
