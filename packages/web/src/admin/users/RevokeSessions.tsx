import { useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';

/**
 * "Revoke sessions" in the user panel (Graph `POST /users/{id}/revokeSignInSessions`, ADR 0017):
 * after a confirm, every refresh token and SSO session of the user from an earlier sign-in stops
 * working; apps must sign the user in again. Shows when sessions were last revoked.
 */
export function RevokeSessions({
  userId,
  displayName,
  validFrom,
  onRevoked,
}: {
  userId: string;
  displayName: string;
  validFrom: string | null | undefined;
  onRevoked(): void;
}) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/users/${encodeURIComponent(userId)}/revokeSignInSessions`, {});
      setDone(true);
      setConfirming(false);
      onRevoked();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="revoke-sessions-title">
      <div className="section-head">
        <h3 className="section-title" id="revoke-sessions-title">
          Sessions
        </h3>
        {confirming ? null : (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setConfirming(true)}>
            Revoke sessions…
          </button>
        )}
      </div>
      <p className="hint" style={{ marginTop: -4 }}>
        {validFrom ? `Sessions last revoked ${formatDateTime(validFrom)}.` : 'Sessions have never been revoked.'} Revoking signs the user
        out of every app at its next token refresh and asks them to sign in again in the browser. Access tokens already issued stay valid
        until they expire (15 minutes).
      </p>
      {error ? <ErrorAlert title="Sessions were not revoked" error={error} /> : null}
      {done ? (
        <div className="alert alert-success" role="status">
          <p className="alert-message">Sessions revoked. {displayName} must sign in again.</p>
        </div>
      ) : null}
      {confirming ? (
        <div className="panel-section">
          <p style={{ marginTop: 0 }}>
            Sign <strong>{displayName}</strong> out of every app and browser?
          </p>
          <div className="button-row">
            <button type="button" className="btn btn-secondary" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="btn btn-danger" onClick={revoke} disabled={busy}>
              Revoke sessions
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
