import { useState } from 'react';

/**
 * "Sign out everywhere" (`POST /api/v1/me/revokeSignInSessions`, ADR 0017): after a confirm, every
 * app and browser the user is signed in to must sign them in again at its next refresh; then this
 * page signs out too (`onDone`).
 */
export function SignOutEverywhere({ token, onDone }: { token: string; onDone(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/v1/me/revokeSignInSessions', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      if (!res.ok) {
        const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(json.error?.message ?? `HTTP ${res.status}`);
      }
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <section className="my-sessions" aria-labelledby="my-sessions-title">
      <h2 className="section-title" id="my-sessions-title">
        Sessions
      </h2>
      <p className="muted">
        Lost a device or signed in somewhere you should not have? Sign out of every app and browser at once; you will need to sign in again
        everywhere.
      </p>
      {error ? (
        <div className="alert alert-error" role="alert">
          <p className="alert-message">{error}</p>
        </div>
      ) : null}
      {confirming ? (
        <div className="button-row">
          <span>Sign out of every app and browser?</span>
          <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger btn-small" disabled={busy} onClick={() => void revoke()}>
            Sign out everywhere
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn-secondary btn-small" onClick={() => setConfirming(true)}>
          Sign out everywhere…
        </button>
      )}
    </section>
  );
}
