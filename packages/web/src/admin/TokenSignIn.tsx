import { useEffect, useId, useState, type FormEvent } from 'react';
import { useAuth } from '../auth/AuthContext.tsx';
import { identityOf, isExpired, normaliseToken } from '../auth/session.ts';
import { Logo } from '../components/Logo.tsx';
import { beginSignIn } from '../my/oidc.ts';
import { CONSOLE_CLIENT } from '../my/ConsoleCallback.tsx';

export const TOKEN_COMMAND = 'npx latchkey admin token';

/**
 * Control Center sign-in: "Continue with a passkey" signs in through Latchkey's OIDC provider
 * as the first-party client `latchkey-console` (ADR 0007); pasting an admin bearer token stays
 * as the fallback for automation and for a directory where nobody has a passkey yet.
 */
export function TokenSignIn({ onSignedIn }: { onSignedIn(): void }) {
  const { signIn, notice } = useAuth();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const hintId = useId();
  useEffect(() => {
    document.title = 'Sign in · Latchkey Control Center';
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = normaliseToken(value);
    if (!token) return setError('Paste the token that the command printed.');
    if (!/^[A-Za-z0-9._~+/=-]+$/.test(token))
      return setError('That does not look like a bearer token: it may only contain letters, digits and . _ ~ + / = -');
    if (isExpired(identityOf(token))) return setError('This token has expired. Run the command again for a new one.');
    signIn(token);
    onSignedIn();
  };

  return (
    <div className="centered-page">
      <main className="card card-narrow">
        <Logo subtitle="Control Center" />
        <h1 className="page-title">Sign in</h1>
        {notice ? (
          <div className="alert alert-info" role="status">
            {notice}
          </div>
        ) : null}
        <button type="button" className="btn btn-primary btn-block" onClick={() => void beginSignIn(CONSOLE_CLIENT, { returnTo: '/admin' })}>
          Continue with a passkey
        </button>
        <p>
          For automation, or before anyone has a passkey, sign in with an administrator bearer token instead: run this on the server, in the
          same directory and with the same configuration as <code>latchkey serve</code>:
        </p>
        <pre className="command">
          <code>{TOKEN_COMMAND}</code>
        </pre>
        <form onSubmit={submit} noValidate>
          <label htmlFor={fieldId} className="label">
            Bearer token
          </label>
          <textarea
            id={fieldId}
            className="input token-input"
            rows={4}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={hintId}
            aria-invalid={error ? true : undefined}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setError(null);
            }}
          />
          <p id={hintId} className={error ? 'field-error' : 'hint'} role={error ? 'alert' : undefined}>
            {error ?? 'Kept in this tab only (session storage) and sent as Authorization: Bearer.'}
          </p>
          <button type="submit" className="btn btn-secondary btn-block">
            Sign in
          </button>
        </form>
      </main>
    </div>
  );
}
