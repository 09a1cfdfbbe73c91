import { useCallback, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { formatDate } from '../../components/format.ts';
import { Badge, ListToolbar } from '../../components/ListToolbar.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useDebounced } from '../../components/useDebounced.ts';
import { usePagedList } from '../../components/usePagedList.ts';
import { Link, navigate } from '../../router.tsx';
import { appsApi, isPublicClient, platformOf, PLATFORMS, type Application } from './appsApi.ts';
import { AppPanel } from './AppPanel.tsx';
import { RegisterAppDialog } from './RegisterAppDialog.tsx';

/**
 * /admin/apps: the OIDC applications (app registrations), searchable by name (server-side
 * `$search="displayName:…"`). The application (client) id is what an app sends as `client_id` and
 * what Conditional Access policies target (`includeApplications`). The sign-in audience (always
 * this directory) is in the panel, not the list.
 */
export function AppsPage({ selectedId }: { selectedId: string | null }) {
  const api = useApi();
  const [registering, setRegistering] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim());
  const list = usePagedList<Application>(
    `apps:${term}`,
    (signal) => appsApi.list(api, term, signal),
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
      </div>
      <ListToolbar search={search} onSearch={setSearch} searchLabel="Search applications" placeholder="Search by name">
        <button type="button" className="btn btn-primary" onClick={() => setRegistering(true)}>
          <span aria-hidden="true">+</span> Register an application
        </button>
      </ListToolbar>
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
        empty={
          term
            ? { title: `No application names contain “${term}”.`, body: 'Try another name or clear the search.' }
            : { title: 'No applications yet.', body: 'Register one to give it a client id, redirect URIs and secrets.' }
        }
        headers={['Display name', 'Application (client) id', 'Platform', 'Redirect URIs', 'Secrets', 'Created']}
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
            <td className="small nowrap">
              {PLATFORMS[platformOf(a)].short} {isPublicClient(a) ? <Badge tone="info">Public</Badge> : null}
            </td>
            <td className="small">
              <RedirectSummary app={a} />
            </td>
            <td>{isPublicClient(a) ? <span className="muted">not used</span> : a.passwordCredentials.length || <span className="muted">0</span>}</td>
            <td className="nowrap">{formatDate(a.createdDateTime)}</td>
          </>
        )}
      />
      {registering ? (
        <RegisterAppDialog
          onClose={() => setRegistering(false)}
          onRegistered={(app) => {
            setRegistering(false);
            setNotice(
              isPublicClient(app)
                ? `Registered ${app.displayName}, a public client: it signs in with PKCE and needs no secret.`
                : `Registered ${app.displayName}. Add a client secret in its panel; the app needs one to get tokens.`,
            );
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

/** The first redirect URI of the app's platform and how many more. */
function RedirectSummary({ app }: { app: Application }) {
  const platform = platformOf(app);
  const uris = app[platform].redirectUris;
  if (uris.length === 0) return <span className="muted">{platform === 'web' ? 'none (client credentials only)' : 'none'}</span>;
  return (
    <>
      <span className="mono">{uris[0]}</span>
      {uris.length > 1 ? <span className="muted"> +{uris.length - 1} more</span> : null}
    </>
  );
}
