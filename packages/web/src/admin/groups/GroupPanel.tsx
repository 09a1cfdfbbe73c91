import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import { EmptyState, ErrorAlert, Fields, Spinner } from '../../components/feedback.tsx';
import { formatDateTime, odataTypeName } from '../../components/format.ts';
import { Modal } from '../../components/Modal.tsx';
import { useResource } from '../../components/useResource.ts';
import { Link } from '../../router.tsx';

/** The group drawer: properties and direct members (users and nested groups). */
export function GroupPanel({ groupId, onClose }: { groupId: string; onClose(): void }) {
  const api = useApi();
  const group = useResource(`group:${groupId}`, (signal) => directory.getGroup(api, groupId, signal));
  const members = useResource(`members:${groupId}`, (signal) => directory.members(api, groupId, signal));
  const g = group.data;
  return (
    <Modal variant="drawer" title={g?.displayName ?? 'Group'} subtitle={g?.description ?? undefined} onClose={onClose}>
      {group.loading && !g ? <Spinner label="Loading group…" /> : null}
      {group.error ? <ErrorAlert title="Could not load this group" error={group.error} onRetry={group.reload} /> : null}
      {g ? (
        <>
          <Fields
            rows={[
              ['Name', g.displayName],
              ['Description', g.description ?? null],
              ['Created', formatDateTime(g.createdDateTime)],
              ['Object id', <code className="mono small">{g.id}</code>],
            ]}
          />
          <h3 className="section-title">Direct members</h3>
          {members.loading ? <Spinner inline label="Loading members…" /> : null}
          {members.error ? <ErrorAlert error={members.error} onRetry={members.reload} /> : null}
          {members.data && members.data.value.length === 0 ? <EmptyState compact title="This group has no members." /> : null}
          {members.data && members.data.value.length > 0 ? (
            <ul className="object-list" aria-label="Members">
              {members.data.value.map((o) => {
                const isGroup = o['@odata.type']?.endsWith('group') ?? false;
                return (
                  <li key={o.id}>
                    <span className="badge badge-info">{odataTypeName(o['@odata.type'])}</span>
                    <Link href={isGroup ? `/admin/groups/${o.id}` : `/admin/users/${o.id}`}>{o.displayName ?? o.id}</Link>
                    {o.userPrincipalName ? <span className="muted small mono">{o.userPrincipalName}</span> : null}
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
