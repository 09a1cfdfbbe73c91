import { useCallback, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Badge, ListFooter } from '../../components/ListToolbar.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { tokensApi, type HardwareOathDevice } from './tokensApi.ts';
import { TokenUpload } from './TokenUpload.tsx';

const TONE = { available: 'neutral', assigned: 'info', activated: 'success', failedActivation: 'danger' } as const;
const LABEL = { available: 'Available', assigned: 'Assigned', activated: 'Activated', failedActivation: 'Activation failed' } as const;

/** /admin/tokens: the hardware OATH token inventory, upload with progress, assign/activate/unassign. */
export function TokensPage() {
  const api = useApi();
  const list = usePagedList<HardwareOathDevice>(
    'tokens',
    (signal) => tokensApi.list(api, signal),
    useCallback((link: string, signal: AbortSignal) => api.page<HardwareOathDevice>(link, signal), [api]),
  );
  const [message, setMessage] = useState<string | null>(null);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
      setMessage(`${what}: done.`);
      list.reload();
    } catch (e) {
      setMessage(`${what}: ${(e as Error).message}`);
    }
  };

  return (
    <section aria-labelledby="tokens-heading">
      <div className="page-head">
        <div>
          <h1 id="tokens-heading" className="page-title">
            Hardware tokens
          </h1>
          <p className="page-lead">
            OATH TOTP tokens by serial number. Secrets are write-only; activation needs the code the token shows now.
          </p>
        </div>
        <button type="button" className="btn btn-secondary" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </div>
      <TokenUpload onImported={list.reload} />
      {message ? (
        <p role="status" className="muted">
          {message}
        </p>
      ) : null}
      {list.error && !list.loading ? <ErrorAlert title="Could not load the tokens" error={list.error} onRetry={list.reload} /> : null}
      <div className="table-card">
        {list.loading ? (
          <Spinner label="Loading tokens…" />
        ) : list.items.length === 0 && !list.error ? (
          <EmptyState title="No hardware tokens yet.">Import a CSV or PSKC file from your vendor.</EmptyState>
        ) : list.items.length > 0 ? (
          <table className="table" aria-label="Hardware tokens">
            <thead>
              <tr>
                <th scope="col">Serial number</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Assigned to</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((d) => (
                <tr key={d.id}>
                  <td className="nowrap">{d.serialNumber}</td>
                  <td>
                    {[d.manufacturer, d.model].filter(Boolean).join(' ') || <span className="muted">—</span>}{' '}
                    <span className="muted">{d.timeIntervalInSeconds} s</span>
                  </td>
                  <td>
                    <Badge tone={TONE[d.status]}>{LABEL[d.status]}</Badge>
                  </td>
                  <td>{d.assignedTo ? (d.assignedTo.displayName ?? d.assignedTo.id) : <span className="muted">—</span>}</td>
                  <td className="nowrap">
                    {d.lastUsedDateTime ? formatDateTime(d.lastUsedDateTime) : <span className="muted">never</span>}
                  </td>
                  <td className="nowrap">
                    {d.assignedTo ? (
                      <>
                        {d.status !== 'activated' ? (
                          <button
                            type="button"
                            className="btn btn-secondary btn-small"
                            onClick={() => {
                              const code = prompt(`Code shown on token ${d.serialNumber}`);
                              if (code) void act(`Activate ${d.serialNumber}`, () => tokensApi.activate(api, d.id, code));
                            }}
                          >
                            Activate
                          </button>
                        ) : null}{' '}
                        <button
                          type="button"
                          className="btn btn-secondary btn-small"
                          onClick={() => void act(`Unassign ${d.serialNumber}`, () => tokensApi.unassign(api, d))}
                        >
                          Unassign
                        </button>
                      </>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-secondary btn-small"
                        onClick={() => {
                          const user = prompt(`Assign ${d.serialNumber} to (user principal name)`);
                          if (user) void act(`Assign ${d.serialNumber}`, () => tokensApi.assign(api, d.id, user.trim()));
                        }}
                      >
                        Assign
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
      <ListFooter
        shown={list.items.length}
        total={list.total}
        noun="tokens"
        hasMore={list.hasMore}
        loadingMore={list.loadingMore}
        onLoadMore={list.loadMore}
      />
    </section>
  );
}
