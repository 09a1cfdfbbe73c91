import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import type { DirectoryObject, RoleAssignment, RoleDefinition } from '../../api/types.ts';
import { EmptyState, ErrorAlert, Fields, Spinner } from '../../components/feedback.tsx';
import { formatDateTime, odataTypeName } from '../../components/format.ts';
import { Modal } from '../../components/Modal.tsx';
import { useResource } from '../../components/useResource.ts';
import { Link } from '../../router.tsx';

/** A role's drawer: its definition and who holds it (principals resolved as users or groups). */
export function RolePanel({
  role,
  roleId,
  assignments,
  loading,
  onClose,
}: {
  role: RoleDefinition | undefined;
  roleId: string;
  assignments: RoleAssignment[];
  loading: boolean;
  onClose(): void;
}) {
  const api = useApi();
  const key = loading ? null : `principals:${roleId}:${assignments.map((a) => a.principalId).join(',')}`;
  const principals = useResource(key, async (signal) => {
    const found = await Promise.all(
      assignments.map((a) => (a.principal ? Promise.resolve(a.principal) : directory.principal(api, a.principalId, signal))),
    );
    return new Map(assignments.map((a, i) => [a.id, found[i] ?? null] as [string, DirectoryObject | null]));
  });
  return (
    <Modal variant="drawer" title={role?.displayName ?? 'Role'} subtitle={role?.description ?? undefined} onClose={onClose}>
      {loading ? <Spinner label="Loading role…" /> : null}
      {!loading && !role ? <ErrorAlert error={new Error(`There is no role with id ${roleId}.`)} /> : null}
      {role ? (
        <>
          <Fields
            rows={[
              ['Role', role.displayName],
              ['Template id', <code className="mono small">{role.templateId ?? role.id}</code>],
              ['Built in', role.isBuiltIn === false ? 'No' : 'Yes'],
              ['Privileged', role.isPrivileged ? 'Yes' : 'No'],
            ]}
          />
          <h3 className="section-title">Assignments</h3>
          {assignments.length === 0 && !loading ? <EmptyState compact title="Nobody holds this role." /> : null}
          {principals.loading && assignments.length > 0 ? <Spinner inline label="Resolving principals…" /> : null}
          {principals.error ? <ErrorAlert error={principals.error} onRetry={principals.reload} /> : null}
          {assignments.length > 0 && principals.data ? (
            <ul className="object-list" aria-label="Role assignments">
              {assignments.map((a) => {
                const p = principals.data?.get(a.id) ?? null;
                const isGroup = p?.['@odata.type']?.endsWith('group') ?? false;
                return (
                  <li key={a.id}>
                    <span className="badge badge-info">{p ? odataTypeName(p['@odata.type']) : 'Principal'}</span>
                    {p ? (
                      <Link href={isGroup ? `/admin/groups/${p.id}` : `/admin/users/${p.id}`}>{p.displayName ?? p.id}</Link>
                    ) : (
                      <code className="mono small">{a.principalId}</code>
                    )}
                    <span className="muted small">
                      scope {a.directoryScopeId ?? '/'}
                      {a.createdDateTime ? ` · since ${formatDateTime(a.createdDateTime)}` : ''}
                    </span>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </>
      ) : null}
    </Modal>
  );
}
