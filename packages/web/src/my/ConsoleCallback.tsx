import { useEffect, useState } from 'react';
import { saveToken } from '../auth/session.ts';
import { completeSignIn, currentSession, type OidcClient } from './oidc.ts';

/** The Control Center as a first-party OIDC client (ADR 0007). */
export const CONSOLE_CLIENT: OidcClient = { clientId: 'latchkey-console', base: '/admin' };

/**
 * `/admin/callback`: completes the Control Center's OIDC sign-in and hands the access token to
 * the console's session (the same place a pasted token goes), then opens the console.
 */
export function ConsoleCallback() {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    completeSignIn(CONSOLE_CLIENT, new URL(location.href)).then(
      (to) => {
        const s = currentSession(CONSOLE_CLIENT);
        if (s) saveToken(s.accessToken);
        location.replace(to);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  return (
    <div className="centered-page">
      <main className="card card-narrow">
        {error ? (
          <div className="alert alert-error" role="alert">
            <p className="alert-message">{error}</p>
            <a href="/admin">Back to sign-in</a>
          </div>
        ) : (
          <p role="status">Signing you in…</p>
        )}
      </main>
    </div>
  );
}
