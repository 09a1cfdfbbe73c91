import { useCallback, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import type { User } from '../../api/types.ts';
import { ErrorAlert } from '../../components/feedback.tsx';
import { formatDate } from '../../components/format.ts';
import { Badge, ListToolbar } from '../../components/ListToolbar.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useDebounced } from '../../components/useDebounced.ts';
import { usePagedList } from '../../components/usePagedList.ts';
import { Link, navigate } from '../../router.tsx';
import { CreateUserDialog } from './CreateUserDialog.tsx';
import { UserPanel } from './UserPanel.tsx';

/** /admin/users: search, page through, create, and open a user (detail panel at /admin/users/:id). */
export function UsersPage({ selectedId }: { selectedId: string | null }) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<User | null>(null);
  const list = usePagedList<User>(
    `users:${term}`,
    (signal) => directory.listUsers(api, term, signal),
    useCallback((link: string, signal: AbortSignal) => api.page<User>(link, signal), [api]),
  );

  return (
    <section aria-labelledby="users-heading">
      <div className="page-head">
        <div>
          <h1 id="users-heading" className="page-title">
            Users
          </h1>
          <p className="page-lead">People who can sign in with Latchkey. Disable an account to block sign-in without deleting it.</p>
        </div>
      </div>
      <ListToolbar search={search} onSearch={setSearch} searchLabel="Search users" placeholder="Search by name or user principal name">
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          <span aria-hidden="true">+</span> New user
        </button>
      </ListToolbar>
      {created ? (
        <div className="alert alert-success" role="status">
          <span>
            Created <strong>{created.displayName}</strong> ({created.userPrincipalName}).
          </span>
          <button type="button" className="link-btn" onClick={() => setCreated(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {list.error && !list.loading ? <ErrorAlert title="Could not load users" error={list.error} onRetry={list.reload} /> : null}
      <PagedTable
        list={list}
        label="Users"
        noun="users"
        loadingLabel="Loading users…"
        empty={{
          title: term ? `No users start with “${term}”.` : 'No users yet.',
          body: term ? 'Try another name or clear the search.' : 'Create the first one with New user.',
        }}
        headers={['Display name', 'User principal name', 'Mail', 'Status', 'Created']}
        selectedId={selectedId}
        hrefOf={(u) => `/admin/users/${u.id}`}
        cells={(u) => (
          <>
            <td>
              <Link href={`/admin/users/${u.id}`} className="row-link" onClick={(e) => e.stopPropagation()}>
                {u.displayName}
              </Link>
            </td>
            <td className="mono">{u.userPrincipalName}</td>
            <td>{u.mail ?? <span className="muted">—</span>}</td>
            <td>{u.accountEnabled ? <Badge tone="success">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}</td>
            <td>{formatDate(u.createdDateTime)}</td>
          </>
        )}
      />
      {creating ? (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            setCreated(u);
            list.reload();
          }}
        />
      ) : null}
      {selectedId ? (
        <UserPanel
          userId={selectedId}
          onClose={() => navigate('/admin/users')}
          onChanged={(u) => list.update(u.id, u)}
          onDeleted={(id) => {
            list.update(id, null);
            navigate('/admin/users');
          }}
        />
      ) : null}
    </section>
  );
}
