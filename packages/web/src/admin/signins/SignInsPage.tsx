import { Fragment, useCallback, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Badge, ListFooter } from '../../components/ListToolbar.tsx';
import { useDebounced } from '../../components/useDebounced.ts';
import { usePagedList } from '../../components/usePagedList.ts';
import { signIns, type SignInEntry, type SignInFilter } from './api.ts';

/** Entra's sign-in error codes Latchkey writes, in plain words (docs/signin-logs.md). */
const ERRORS: Record<number, string> = {
  50126: 'Wrong password or unknown account',
  50053: 'Account locked',
  500121: 'Second factor failed',
  50074: 'Interrupted: stronger sign-in required',
  53003: 'Blocked by Conditional Access',
};

/** /admin/signins: every sign-in attempt with the result of each Conditional Access policy (GET /auditLogs/signIns). */
export function SignInsPage() {
  const api = useApi();
  const [filter, setFilter] = useState<SignInFilter>({ status: '', userPrincipalName: '', transfer: '' });
  const upn = useDebounced(filter.userPrincipalName.trim());
  const applied = { ...filter, userPrincipalName: upn };
  const list = usePagedList<SignInEntry>(
    `signins:${applied.status}|${applied.userPrincipalName}|${applied.transfer ?? ''}`,
    (signal) => signIns.list(api, applied, signal),
    useCallback((link: string, signal: AbortSignal) => api.page<SignInEntry>(link, signal), [api]),
  );
  const [open, setOpen] = useState<string | null>(null);

  return (
    <section aria-labelledby="signins-heading">
      <div className="page-head">
        <div>
          <h1 id="signins-heading" className="page-title">
            Sign-in logs
          </h1>
          <p className="page-lead">Every sign-in attempt, newest first, with the result of each Conditional Access policy. Select a row for details.</p>
        </div>
        <button type="button" className="btn btn-secondary" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </div>
      <div className="toolbar">
        <label className="label" htmlFor="signins-user">
          User
        </label>
        <input id="signins-user" className="input" type="search" placeholder="name@example.com" value={filter.userPrincipalName} onChange={(e) => setFilter({ ...filter, userPrincipalName: e.target.value })} />
        <label className="label" htmlFor="signins-status">
          Status
        </label>
        <select id="signins-status" className="input" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as SignInFilter['status'] })}>
          <option value="">Any</option>
          <option value="success">Success</option>
          <option value="failure">Failure or interrupted</option>
        </select>
        <label className="label" htmlFor="signins-transfer">
          Flow
        </label>
        <select id="signins-transfer" className="input" value={filter.transfer} onChange={(e) => setFilter({ ...filter, transfer: e.target.value as SignInFilter['transfer'] })}>
          <option value="">Any</option>
          <option value="deviceCodeFlow">Device code</option>
        </select>
      </div>
      {list.error && !list.loading ? <ErrorAlert title="Could not load the sign-in logs" error={list.error} onRetry={list.reload} /> : null}
      <div className="table-card">
        {list.loading ? (
          <Spinner label="Loading sign-ins…" />
        ) : list.items.length === 0 && !list.error ? (
          <EmptyState title="No sign-ins match." />
        ) : list.items.length > 0 ? (
          <table className="table" aria-label="Sign-ins">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">User</th>
                <th scope="col">Application</th>
                <th scope="col">Status</th>
                <th scope="col">Conditional Access</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((s) => (
                <Fragment key={s.id}>
                  <tr className={open === s.id ? 'selected' : undefined} onClick={() => setOpen(open === s.id ? null : s.id)}>
                    <td className="nowrap">{formatDateTime(s.createdDateTime)}</td>
                    <td>{s.userPrincipalName ?? <span className="muted">—</span>}</td>
                    <td>{s.appDisplayName ?? s.appId}</td>
                    <td>{statusBadge(s)}</td>
                    <td>{s.conditionalAccessStatus === 'notApplied' ? <span className="muted">Not applied</span> : s.conditionalAccessStatus === 'success' ? <Badge tone="success">Success</Badge> : <Badge tone="danger">Failure</Badge>}</td>
                  </tr>
                  {open === s.id ? (
                    <tr>
                      <td colSpan={5}>
                        <Details s={s} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        ) : null}
        {!list.loading && list.items.length > 0 ? <ListFooter shown={list.items.length} noun="sign-ins" hasMore={list.hasMore} loadingMore={list.loadingMore} onLoadMore={list.loadMore} /> : null}
      </div>
    </section>
  );
}

function statusBadge(s: SignInEntry) {
  if (s.status.errorCode === 0) return <Badge tone="success">Success</Badge>;
  if (s.status.errorCode === 50074) return <Badge tone="warning">Interrupted</Badge>;
  return <Badge tone="danger">Failure {s.status.errorCode}</Badge>;
}

function Details({ s }: { s: SignInEntry }) {
  const applied = s.appliedConditionalAccessPolicies.filter((p) => p.result !== 'notApplied' && p.result !== 'notEnabled');
  return (
    <div className="signin-log-details" data-testid="signin-log-details" style={{ overflowWrap: 'anywhere', whiteSpace: 'normal', maxWidth: '60rem' }}>
      <p>
        <strong>{ERRORS[s.status.errorCode] ?? (s.status.errorCode === 0 ? 'Signed in' : `Error ${s.status.errorCode}`)}</strong>
        {s.status.failureReason ? `: ${s.status.failureReason}` : null}
      </p>
      <p>Methods: {s.authenticationDetails.map((d) => `${d.authenticationMethod} (${d.succeeded ? 'succeeded' : 'failed'})`).join(', ') || 'none'}</p>
      <p className="muted">
        IP {s.ipAddress ?? 'unknown'} · {s.clientAppUsed} · {s.authenticationRequirement === 'multiFactorAuthentication' ? 'Multifactor' : 'Single-factor'} · correlation {s.correlationId ?? '—'}
      </p>
      {s.originalTransferMethod === 'deviceCodeFlow' ? (
        <p data-testid="signin-log-device-code">
          {s.isInteractive ? 'Device code sign-in: this approved a code typed on another device.' : 'Refresh of tokens a device code sign-in issued.'} If the person
          did not start it, the code may have been phished: revoke their sessions.
        </p>
      ) : null}
      {applied.length ? (
        <ul>
          {applied.map((p) => (
            <li key={p.id}>
              {p.displayName}: <strong>{p.result}</strong>
              {p.enforcedGrantControls.length ? ` (${p.enforcedGrantControls.join(', ')})` : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No Conditional Access policy applied.</p>
      )}
    </div>
  );
}
