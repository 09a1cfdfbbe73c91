import { useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert, Fields, Spinner } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Modal } from '../../components/Modal.tsx';
import { Switch } from '../../components/Switch.tsx';
import { useResource } from '../../components/useResource.ts';
import { appsApi, audienceLabel, isPublicClient, platformOf, PLATFORMS, type Application } from './appsApi.ts';
import { AppEndpoints } from './AppEndpoints.tsx';
import { AppSecrets } from './AppSecrets.tsx';
import { GroupClaims } from './GroupClaims.tsx';
import { RedirectUris } from './RedirectUris.tsx';

/** The application drawer: its client id, client type, service principal, platform and redirect URIs, client secrets, the endpoints to connect it, delete. */
export function AppPanel({
  objectId,
  onClose,
  onChanged,
  onDeleted,
}: {
  objectId: string;
  onClose(): void;
  onChanged(app: Application): void;
  onDeleted(app: Application): void;
}) {
  const api = useApi();
  const app = useResource(`app:${objectId}`, (signal) => appsApi.get(api, objectId, signal));
  const a = app.data;
  const sp = useResource(a ? `sp:${a.appId}` : null, (signal) => appsApi.servicePrincipalOf(api, a!.appId, signal));
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const refresh = async () => {
    const fresh = await appsApi.get(api, objectId);
    app.set(fresh);
    onChanged(fresh);
  };

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await fn();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!a) return;
    setBusy(true);
    setActionError(null);
    try {
      await appsApi.remove(api, a.id);
      onDeleted(a);
    } catch (e) {
      setActionError(e);
      setBusy(false);
    }
  };

  return (
    <Modal variant="drawer" title={a?.displayName ?? 'Application'} subtitle={a ? 'App registration' : undefined} onClose={onClose}>
      {app.loading && !a ? <Spinner label="Loading application…" /> : null}
      {app.error ? <ErrorAlert title="Could not load this application" error={app.error} onRetry={app.reload} /> : null}
      {a ? (
        <>
          {actionError ? <ErrorAlert title="The change was not saved" error={actionError} /> : null}
          <div className="panel-section" data-testid="app-client-id">
            <span className="label">Application (client) id</span>
            <code className="mono" style={{ fontSize: 15, fontWeight: 600 }}>
              {a.appId}
            </code>
            <p className="hint">
              The app sends this as <code>client_id</code>. Conditional Access policies target the app by this id (Cloud apps →
              include/exclude applications).
            </p>
          </div>
          {isPublicClient(a) ? (
            <div className="alert alert-info" role="note" aria-label="Public client" data-testid="public-client-note">
              <span>
                <strong>Public client</strong> ({PLATFORMS[platformOf(a)].label}): it signs people in with the authorization code flow and
                PKCE, and needs no client secret. It cannot use client credentials, so it never gets app-only tokens.
              </span>
            </div>
          ) : null}
          <div className="panel-section">
            {sp.loading && !sp.data ? <Spinner inline label="Loading service principal…" /> : null}
            {sp.error ? <ErrorAlert error={sp.error} onRetry={sp.reload} /> : null}
            {sp.data ? (
              <Switch
                checked={sp.data.accountEnabled}
                busy={busy}
                label={sp.data.accountEnabled ? 'Enabled — the app can get tokens' : 'Disabled — the app gets no tokens'}
                onChange={(on) =>
                  void act(async () => {
                    await appsApi.setServicePrincipalEnabled(api, sp.data!.id, on);
                    sp.set({ ...sp.data!, accountEnabled: on });
                  })
                }
              />
            ) : null}
            {sp.data === null ? (
              <div className="button-row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
                <span>No service principal: the app cannot get tokens yet.</span>
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  disabled={busy}
                  onClick={() => void act(async () => sp.set(await appsApi.createServicePrincipal(api, a.appId)))}
                >
                  Create service principal
                </button>
              </div>
            ) : null}
          </div>
          <Fields
            rows={[
              ['Platform', PLATFORMS[platformOf(a)].label],
              ['Client type', isPublicClient(a) ? 'Public (PKCE, no secret)' : 'Confidential (client secret)'],
              ['Sign-in audience', audienceLabel(a.signInAudience)],
              ['Description', a.description],
              ['Created', formatDateTime(a.createdDateTime)],
              ['Object id', <code className="mono small">{a.id}</code>],
            ]}
          />
          <RedirectUris app={a} onSaved={refresh} />
          <AppSecrets app={a} onChanged={refresh} />
          <GroupClaims app={a} onChanged={refresh} />
          <AppEndpoints isPublic={isPublicClient(a)} />
          <div className="danger-zone">
            {confirmDelete ? (
              <>
                <p>
                  Delete <strong>{a.displayName}</strong>? Its secrets and service principal are deleted too; it gets no more tokens and
                  Conditional Access policies that name its client id no longer match anything.
                </p>
                <div className="button-row">
                  <button type="button" className="btn btn-secondary" onClick={() => setConfirmDelete(false)} disabled={busy}>
                    Keep application
                  </button>
                  <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy}>
                    Delete application
                  </button>
                </div>
              </>
            ) : (
              <button type="button" className="btn btn-danger-outline" onClick={() => setConfirmDelete(true)}>
                Delete application…
              </button>
            )}
          </div>
        </>
      ) : null}
    </Modal>
  );
}
