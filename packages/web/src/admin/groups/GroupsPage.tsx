import { useCallback, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import type { Group } from '../../api/types.ts';
import { ErrorAlert } from '../../components/feedback.tsx';
import { formatDate } from '../../components/format.ts';
import { Badge, ListToolbar } from '../../components/ListToolbar.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useDebounced } from '../../components/useDebounced.ts';
import { usePagedList } from '../../components/usePagedList.ts';
import { Link, navigate } from '../../router.tsx';
import { GroupPanel } from './GroupPanel.tsx';

/** /admin/groups: security groups (search, paging) with a members drawer at /admin/groups/:id. */
export function GroupsPage({ selectedId }: { selectedId: string | null }) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim());
  const list = usePagedList<Group>(
    `groups:${term}`,
    (signal) => directory.listGroups(api, term, signal),
    useCallback((link: string, signal: AbortSignal) => api.page<Group>(link, signal), [api]),
  );

  return (
    <section aria-labelledby="groups-heading">
      <div className="page-head">
        <div>
          <h1 id="groups-heading" className="page-title">
            Groups
          </h1>
          <p className="page-lead">
            Security groups. Groups can contain users and other groups; policies and roles apply to all transitive members.
          </p>
        </div>
      </div>
      <ListToolbar search={search} onSearch={setSearch} searchLabel="Search groups" placeholder="Search by group name" />
      {list.error && !list.loading ? <ErrorAlert title="Could not load groups" error={list.error} onRetry={list.reload} /> : null}
      <PagedTable
        list={list}
        label="Groups"
        noun="groups"
        loadingLabel="Loading groups…"
        empty={{
          title: term ? `No groups start with “${term}”.` : 'No groups yet.',
          body: term ? null : (
            <>
              Create one with <code>npx latchkey groups create</code> or <code>POST /api/v1/groups</code>.
            </>
          ),
        }}
        headers={['Name', 'Description', 'Type', 'Created']}
        selectedId={selectedId}
        hrefOf={(g) => `/admin/groups/${g.id}`}
        cells={(g) => (
          <>
            <td>
              <Link href={`/admin/groups/${g.id}`} className="row-link" onClick={(e) => e.stopPropagation()}>
                {g.displayName}
              </Link>
            </td>
            <td>{g.description || <span className="muted">—</span>}</td>
            <td>{g.securityEnabled === false ? <Badge tone="neutral">Distribution</Badge> : <Badge tone="info">Security</Badge>}</td>
            <td>{formatDate(g.createdDateTime)}</td>
          </>
        )}
      />
      {selectedId ? <GroupPanel groupId={selectedId} onClose={() => navigate('/admin/groups')} /> : null}
    </section>
  );
}
