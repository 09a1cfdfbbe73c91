import { ErrorAlert } from '../../components/feedback.tsx';
import { DetailedApiError, isLockoutRisk } from './methodsApi.ts';

/**
 * A failed change, said plainly: 412 (changed elsewhere: reload), 409 lockout risk (with the
 * explicit "apply anyway" where the API takes `confirmLockout`), other 409s, and 400 with every
 * failed check the server listed.
 */
export function ProblemAlert({
  error,
  onReload,
  onConfirm,
  busy = false,
  title,
}: {
  error: unknown;
  onReload?: () => void;
  onConfirm?: () => void;
  busy?: boolean;
  /** Overrides the generic heading of a 400/409 (e.g. which import check failed). */
  title?: string | undefined;
}) {
  if (!(error instanceof DetailedApiError)) return <ErrorAlert title="The change was not saved" error={error} />;
  if (error.status === 412) {
    return (
      <div className="alert alert-error" role="alert" data-testid="problem">
        <div>
          <strong className="alert-title">Someone else changed this since you opened it</strong>
          <p className="alert-message">
            {error.message} Nothing was saved. Reload to see the current settings, then make your change again.
          </p>
        </div>
        {onReload ? (
          <button type="button" className="btn btn-secondary btn-small" onClick={onReload}>
            Reload
          </button>
        ) : null}
      </div>
    );
  }
  if (isLockoutRisk(error)) {
    const who = Array.isArray(error.details?.newlyLockedOut)
      ? (error.details.newlyLockedOut as Array<{ userPrincipalName: string; reasons: string[] }>)
      : [];
    return (
      <div className="alert alert-error" role="alert" data-testid="lockout-risk">
        <div>
          <strong className="alert-title">This change would lock people out</strong>
          <p className="alert-message">
            {error.message.replace(/ Review details, then repeat with \?confirmLockout=true to apply it anyway\.$/, '')}
          </p>
          {who.length ? (
            <ul className="small" aria-label="Newly locked out">
              {who.slice(0, 10).map((u) => (
                <li key={u.userPrincipalName}>
                  <strong>{u.userPrincipalName}</strong>: {u.reasons.join('; ')}
                </li>
              ))}
            </ul>
          ) : null}
          {onConfirm ? (
            <div style={{ marginTop: 8 }}>
              <button type="button" className="btn btn-danger btn-small" onClick={onConfirm} disabled={busy}>
                Apply anyway
              </button>{' '}
              <span className="small">Nothing was changed yet.</span>
            </div>
          ) : null}
        </div>
      </div>
    );
  }
  const failures = Array.isArray(error.details?.failures) ? (error.details.failures as unknown[]).map(String) : [];
  return (
    <div className="alert alert-error" role="alert" data-testid="problem">
      <div>
        <strong className="alert-title">
          {title ?? (error.status === 400 || error.status === 409 ? 'The server refused this' : 'The change failed')}
        </strong>
        <p className="alert-message">{error.message}</p>
        {failures.length > 1 ? (
          <ul className="small">
            {failures.slice(1).map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        ) : null}
        <p className="alert-meta">
          <code>{error.code}</code> · HTTP {error.status}
          {error.requestId ? ` · request ${error.requestId}` : ''}
        </p>
      </div>
    </div>
  );
}
