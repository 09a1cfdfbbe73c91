import { useCallback, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { formatDate } from '../../components/format.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { Link, navigate } from '../../router.tsx';
import { appsApi, audienceLabel, type Application } from './appsApi.ts';
import { AppPanel } from './AppPanel.tsx';
import { RegisterAppDialog } from './RegisterAppDialog.tsx';

/**
 * /admin/apps: the OIDC applications (app registrations). The application (client) id is what an
 * app sends as `client_id` and what Conditional Access policies target (`includeApplications`).
 */
export function AppsPage({ selectedId }: { selectedId: string | null }) {
  const api = useApi();
  const [registering, setRegistering] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const list = usePagedList<Application>(
    'apps',
    (signal) => appsApi.list(api, signal),
    useCallback((link: string, signal: AbortSignal) => api.page<Application>(link, signal), [api]),
  );

  return (
    <section aria-labelledby="apps-heading">
      <div className="page-head">
        <div>
          <h1 id="apps-heading" className="page-title">
            Applications
          </h1>
          <p className="page-lead">
            Apps that sign people in with Latchkey (OpenID Connect) or call its API with a client secret. Conditional Access policies target
            an app by its application (client) id.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setRegistering(true)}>
          <span aria-hidden="true">+</span> Register an application
        </button>
      </div>
      {notice ? (
        <div className="alert alert-success" role="status">
          <span>{notice}</span>
          <button type="button" className="link-btn" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {list.error && !list.loading ? <ErrorAlert title="Could not load the applications" error={list.error} onRetry={list.reload} /> : null}
      <PagedTable
        list={list}
        label="Applications"
        noun="applications"
        loadingLabel="Loading applications…"
        counted={false}
        empty={{ title: 'No applications yet.', body: 'Register one to give it a client id, redirect URIs and secrets.' }}
        headers={['Display name', 'Application (client) id', 'Redirect URIs', 'Secrets', 'Sign-in audience', 'Created']}
        selectedId={selectedId}
        hrefOf={(a) => `/admin/apps/${a.id}`}
        cells={(a) => (
          <>
            <td>
              <Link href={`/admin/apps/${a.id}`} className="row-link" onClick={(e) => e.stopPropagation()}>
                {a.displayName}
              </Link>
            </td>
            <td className="mono small nowrap">{a.appId}</td>
            <td className="small">
              {a.web.redirectUris.length === 0 ? (
                <span className="muted">none (client credentials only)</span>
              ) : (
                <>
                  <span className="mono">{a.web.redirectUris[0]}</span>
                  {a.web.redirectUris.length > 1 ? <span className="muted"> +{a.web.redirectUris.length - 1} more</span> : null}
                </>
              )}
            </td>
            <td>{a.passwordCredentials.length || <span className="muted">0</span>}</td>
            <td className="small">{audienceLabel(a.signInAudience)}</td>
            <td className="nowrap">{formatDate(a.createdDateTime)}</td>
          </>
        )}
      />
      {registering ? (
        <RegisterAppDialog
          onClose={() => setRegistering(false)}
          onRegistered={(app) => {
            setRegistering(false);
            setNotice(`Registered ${app.displayName}. Add a client secret in its panel; the app needs one to get tokens.`);
            list.reload();
            navigate(`/admin/apps/${app.id}`);
          }}
        />
      ) : null}
      {selectedId ? (
        <AppPanel
          objectId={selectedId}
          onClose={() => navigate('/admin/apps')}
          onChanged={(app) => list.update(app.id, app)}
          onDeleted={(app) => {
            list.update(app.id, null);
            setNotice(`Deleted ${app.displayName}.`);
            navigate('/admin/apps');
          }}
        />
      ) : null}
    </section>
  );
}
