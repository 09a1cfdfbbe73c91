import { useApi } from '../../auth/AuthContext.tsx';
import { audit } from '../../api/audit.ts';
import type { DirectoryAudit } from '../../api/types.ts';
import { ErrorAlert, Fields, Spinner } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Modal } from '../../components/Modal.tsx';
import { useResource } from '../../components/useResource.ts';

/** One audit entry in full: who, what, targets with modified properties, details, ids. */
export function AuditDrawer({ id, known, onClose }: { id: string; known: DirectoryAudit | undefined; onClose(): void }) {
  const api = useApi();
  const fetched = useResource(known ? null : `audit:${id}`, (signal) => audit.get(api, id, signal));
  const e = known ?? fetched.data;
  return (
    <Modal
      variant="drawer"
      title={e?.activityDisplayName ?? 'Audit entry'}
      subtitle={e ? formatDateTime(e.activityDateTime) : undefined}
      onClose={onClose}
    >
      {!e && fetched.loading ? <Spinner label="Loading audit entry…" /> : null}
      {fetched.error ? <ErrorAlert title="Could not load this entry" error={fetched.error} onRetry={fetched.reload} /> : null}
      {e ? (
        <>
          <Fields
            rows={[
              ['Activity', e.activityDisplayName],
              ['Category', e.category],
              ['Operation', e.operationType],
              ['Result', e.resultReason ? `${e.result} — ${e.resultReason}` : e.result],
              ['Date', formatDateTime(e.activityDateTime)],
              ['Service', e.loggedByService],
              ['Correlation id', e.correlationId ? <code className="mono small">{e.correlationId}</code> : null],
              ['Entry id', <code className="mono small">{e.id}</code>],
            ]}
          />
          <h3 className="section-title">Initiated by</h3>
          <Identity label={e.initiatedBy.user ? 'User' : 'App'} value={e.initiatedBy.user ?? e.initiatedBy.app} />
          <h3 className="section-title">Targets</h3>
          {e.targetResources.length === 0 ? <p className="muted">No target resources.</p> : null}
          {e.targetResources.map((t) => (
            <div className="target" key={`${t.type}:${t.id}`}>
              <p className="target-name">
                <span className="badge badge-info">{t.type ?? 'Object'}</span> {t.userPrincipalName ?? t.displayName ?? t.id}
              </p>
              <p className="muted small mono">{t.id}</p>
              {t.modifiedProperties.length ? (
                <table className="table table-compact" aria-label={`Modified properties of ${t.displayName ?? t.id}`}>
                  <thead>
                    <tr>
                      <th scope="col">Property</th>
                      <th scope="col">Old value</th>
                      <th scope="col">New value</th>
                    </tr>
                  </thead>
                  <tbody>
                    {t.modifiedProperties.map((p) => (
                      <tr key={p.displayName}>
                        <td>{p.displayName}</td>
                        <td className="mono small">{p.oldValue ?? '—'}</td>
                        <td className="mono small">{p.newValue ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </div>
          ))}
          {e.additionalDetails.length ? (
            <>
              <h3 className="section-title">Additional details</h3>
              <Fields rows={e.additionalDetails.map((d) => [d.key, d.value])} />
            </>
          ) : null}
        </>
      ) : null}
    </Modal>
  );
}

function Identity({ label, value }: { label: string; value: Record<string, unknown> | null }) {
  if (!value) return <p className="muted">Unknown.</p>;
  const rows = Object.entries(value)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]): [string, string] => [IDENTITY_LABELS[k] ?? k, String(v)]);
  return <Fields rows={[['Type', label], ...rows]} />;
}

/** Readable labels for Graph's `userIdentity` / `appIdentity` properties. */
const IDENTITY_LABELS: Record<string, string> = {
  id: 'Object id',
  displayName: 'Display name',
  userPrincipalName: 'User principal name',
  ipAddress: 'IP address',
  appId: 'App id',
  servicePrincipalId: 'Service principal id',
  servicePrincipalName: 'Service principal name',
};
