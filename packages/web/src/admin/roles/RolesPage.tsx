import { useMemo } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import type { RoleAssignment, RoleDefinition } from '../../api/types.ts';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { Badge } from '../../components/ListToolbar.tsx';
import { useResource } from '../../components/useResource.ts';
import { Link, navigate } from '../../router.tsx';
import { RolePanel } from './RolePanel.tsx';

/** /admin/roles: the built-in directory roles with their assignment counts; drawer per role. */
export function RolesPage({ selectedId }: { selectedId: string | null }) {
  const api = useApi();
  const defs = useResource('roleDefinitions', (signal) => directory.roleDefinitions(api, signal));
  const assignments = useResource('roleAssignments', (signal) => directory.roleAssignments(api, signal));
  const byRole = useMemo(() => {
    const m = new Map<string, RoleAssignment[]>();
    for (const a of assignments.data?.value ?? []) m.set(a.roleDefinitionId, [...(m.get(a.roleDefinitionId) ?? []), a]);
    return m;
  }, [assignments.data]);
  const roles: RoleDefinition[] = defs.data?.value ?? [];
  const selected = roles.find((r) => r.id === selectedId);

  return (
    <section aria-labelledby="roles-heading">
      <div className="page-head">
        <div>
          <h1 id="roles-heading" className="page-title">
            Roles
          </h1>
          <p className="page-lead">
            Directory roles use Entra's role template ids, so assignments mean the same thing in Latchkey and in Entra ID.
          </p>
        </div>
      </div>
      {defs.error ? <ErrorAlert title="Could not load roles" error={defs.error} onRetry={defs.reload} /> : null}
      {assignments.error ? (
        <ErrorAlert title="Could not load role assignments" error={assignments.error} onRetry={assignments.reload} />
      ) : null}
      <div className="table-card">
        {defs.loading ? (
          <Spinner label="Loading roles…" />
        ) : roles.length === 0 && !defs.error ? (
          <EmptyState title="No roles defined." />
        ) : roles.length > 0 ? (
          <table className="table" aria-label="Roles">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Description</th>
                <th scope="col">Assignments</th>
              </tr>
            </thead>
            <tbody>
              {roles.map((r) => (
                <tr key={r.id} className={r.id === selectedId ? 'selected' : undefined} onClick={() => navigate(`/admin/roles/${r.id}`)}>
                  <td className="nowrap">
                    <Link href={`/admin/roles/${r.id}`} className="row-link" onClick={(e) => e.stopPropagation()}>
                      {r.displayName}
                    </Link>
                    {r.isPrivileged ? (
                      <>
                        {' '}
                        <Badge tone="warning">Privileged</Badge>
                      </>
                    ) : null}
                  </td>
                  <td>{r.description ?? <span className="muted">—</span>}</td>
                  <td>{assignments.loading ? <span className="muted">…</span> : (byRole.get(r.id)?.length ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
      {selectedId ? (
        <RolePanel
          role={selected}
          roleId={selectedId}
          assignments={byRole.get(selectedId) ?? []}
          loading={defs.loading || assignments.loading}
          onClose={() => navigate('/admin/roles')}
        />
      ) : null}
    </section>
  );
}
