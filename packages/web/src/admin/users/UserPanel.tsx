import { useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import type { User } from '../../api/types.ts';
import { EmptyState, ErrorAlert, Fields, Spinner } from '../../components/feedback.tsx';
import { formatDateTime, odataTypeName } from '../../components/format.ts';
import { Modal } from '../../components/Modal.tsx';
import { Switch } from '../../components/Switch.tsx';
import { useResource } from '../../components/useResource.ts';
import { Link } from '../../router.tsx';
import { EditUserForm } from './EditUserForm.tsx';
import { UserMethods } from './UserMethods.tsx';
import { RevokeSessions } from './RevokeSessions.tsx';

/** The user detail drawer: properties (editable), enable/disable, group memberships (memberOf), authentication methods, delete. */
export function UserPanel({
  userId,
  onClose,
  onChanged,
  onDeleted,
}: {
  userId: string;
  onClose(): void;
  onChanged(user: User): void;
  onDeleted(id: string): void;
}) {
  const api = useApi();
  const user = useResource(`user:${userId}`, (signal) => directory.getUser(api, userId, signal));
  const memberOf = useResource(`memberOf:${userId}`, (signal) => directory.memberOf(api, userId, signal));
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [editing, setEditing] = useState(false);
  const u = user.data;

  const setEnabled = async (accountEnabled: boolean) => {
    if (!u) return;
    setBusy(true);
    setActionError(null);
    try {
      await directory.updateUser(api, u.id, { accountEnabled });
      const fresh = await directory.getUser(api, u.id);
      user.set(fresh);
      onChanged(fresh);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!u) return;
    setBusy(true);
    setActionError(null);
    try {
      await directory.deleteUser(api, u.id);
      onDeleted(u.id);
    } catch (e) {
      setActionError(e);
      setBusy(false);
    }
  };

  return (
    <Modal variant="drawer" title={u?.displayName ?? 'User'} subtitle={u?.userPrincipalName} onClose={onClose}>
      {user.loading && !u ? <Spinner label="Loading user…" /> : null}
      {user.error ? <ErrorAlert title="Could not load this user" error={user.error} onRetry={user.reload} /> : null}
      {u ? (
        <>
          {actionError ? <ErrorAlert title="The change was not saved" error={actionError} /> : null}
          <div className="panel-section">
            <Switch
              checked={u.accountEnabled}
              busy={busy}
              onChange={setEnabled}
              label={u.accountEnabled ? 'Account enabled — the user can sign in' : 'Account disabled — sign-in is blocked'}
            />
          </div>
          <div className="section-head">
            <h3 className="section-title">Properties</h3>
            {editing ? null : (
              <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditing(true)}>
                Edit
              </button>
            )}
          </div>
          {editing ? (
            <EditUserForm
              user={u}
              onCancel={() => setEditing(false)}
              onSaved={(fresh) => {
                user.set(fresh);
                onChanged(fresh);
                setEditing(false);
              }}
            />
          ) : (
            <Fields
              rows={[
                ['Display name', u.displayName],
                ['User principal name', <span className="mono">{u.userPrincipalName}</span>],
                ['Mail', u.mail],
                ['Job title', u.jobTitle],
                ['Department', u.department],
                ['Created', formatDateTime(u.createdDateTime)],
                ['Object id', <code className="mono small">{u.id}</code>],
              ]}
            />
          )}
          <h3 className="section-title">Member of</h3>
          {memberOf.loading ? <Spinner inline label="Loading memberships…" /> : null}
          {memberOf.error ? <ErrorAlert error={memberOf.error} onRetry={memberOf.reload} /> : null}
          {memberOf.data && memberOf.data.value.length === 0 ? <EmptyState compact title="Not a member of any group." /> : null}
          {memberOf.data && memberOf.data.value.length > 0 ? (
            <ul className="object-list" aria-label="Groups">
              {memberOf.data.value.map((o) => (
                <li key={o.id}>
                  <span className="badge badge-info">{odataTypeName(o['@odata.type'])}</span>
                  {o['@odata.type']?.endsWith('group') ? (
                    <Link href={`/admin/groups/${o.id}`}>{o.displayName ?? o.id}</Link>
                  ) : (
                    <span>{o.displayName ?? o.id}</span>
                  )}
                </li>
              ))}
            </ul>
          ) : null}
          <UserMethods userId={u.id} />
          <RevokeSessions
            userId={u.id}
            displayName={u.displayName}
            validFrom={u.signInSessionsValidFromDateTime}
            onRevoked={() => void directory.getUser(api, u.id).then(user.set, () => undefined)}
          />
          <div className="danger-zone">
            {confirmDelete ? (
              <>
                <p>
                  Delete <strong>{u.displayName}</strong>? Their passkeys and sessions stop working.
                </p>
                <div className="button-row">
                  <button type="button" className="btn btn-secondary" onClick={() => setConfirmDelete(false)} disabled={busy}>
                    Keep user
                  </button>
                  <button type="button" className="btn btn-danger" onClick={remove} disabled={busy}>
                    Delete user
                  </button>
                </div>
              </>
            ) : (
              <button type="button" className="btn btn-danger-outline" onClick={() => setConfirmDelete(true)}>
                Delete user…
              </button>
            )}
          </div>
        </>
      ) : null}
    </Modal>
  );
}
