import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { EmptyState, ErrorAlert } from '../../components/feedback.tsx';
import { formatDate } from '../../components/format.ts';
import { Badge } from '../../components/ListToolbar.tsx';
import { appsApi, isPublicClient, type Application, type PasswordCredential } from './appsApi.ts';
import { OneTimeSecret } from './OneTimeSecret.tsx';

const LIFETIMES = [
  { months: 6, label: '6 months' },
  { months: 12, label: '12 months' },
  { months: 24, label: '24 months (recommended maximum)' },
] as const;

/**
 * Client secrets: listed by description, hint (first 3 characters) and expiry, never by value;
 * a new one is shown once with Copy; delete asks first. The server keeps only a hash (docs/oidc.md).
 * A public client gets no new secrets (the API refuses them, ADR 0014): the section says why, and
 * lists any secrets left from when the app was a web app, which no longer work, for deletion.
 */
export function AppSecrets({ app, onChanged }: { app: Application; onChanged(): Promise<void> }) {
  const api = useApi();
  const formId = useId();
  const [adding, setAdding] = useState(false);
  const [description, setDescription] = useState('');
  const [months, setMonths] = useState<number>(12);
  const [created, setCreated] = useState<PasswordCredential | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const end = new Date();
    end.setMonth(end.getMonth() + months);
    void run(async () => {
      const secret = await appsApi.addSecret(api, app.id, { displayName: description.trim() || null, endDateTime: end.toISOString() });
      setCreated(secret);
      setAdding(false);
      setDescription('');
      await onChanged();
    });
  };

  const remove = (keyId: string) =>
    void run(async () => {
      await appsApi.removeSecret(api, app.id, keyId);
      setConfirming(null);
      if (created?.keyId === keyId) setCreated(null);
      await onChanged();
    });

  const now = Date.now();
  const isPublic = isPublicClient(app);
  return (
    <>
      <div className="section-head">
        <h3 className="section-title">Client secrets</h3>
        {adding || isPublic ? null : (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setAdding(true)}>
            New client secret
          </button>
        )}
      </div>
      {error ? <ErrorAlert title="The secret was not changed" error={error} /> : null}
      {isPublic ? (
        <p className="hint" data-testid="public-client-secrets">
          Not needed: a public client runs where a secret cannot be kept (a browser, a phone, a desktop), so it proves itself with PKCE
          instead, and Latchkey does not accept secrets for it.
          {app.passwordCredentials.length ? ' The secrets below are from when it was a web app and no longer work; delete them.' : ''}
        </p>
      ) : null}
      {created?.secretText ? (
        <OneTimeSecret
          label="New client secret"
          value={created.secretText}
          note={`Latchkey keeps only a hash of it; later it shows only the hint “${created.hint}…”. Use it with client id ${app.appId}.`}
        />
      ) : null}
      {adding ? (
        <form id={formId} className="panel-section" onSubmit={add} aria-label="New client secret">
          <div className="form-row">
            <label className="label" htmlFor={`${formId}-d`}>
              Description
            </label>
            <input
              id={`${formId}-d`}
              className="input"
              value={description}
              maxLength={256}
              onChange={(e) => setDescription(e.target.value)}
              placeholder="e.g. production"
              autoFocus
            />
          </div>
          <div className="form-row">
            <label className="label" htmlFor={`${formId}-e`}>
              Expires after
            </label>
            <select id={`${formId}-e`} className="input" value={months} onChange={(e) => setMonths(Number(e.target.value))}>
              {LIFETIMES.map((l) => (
                <option key={l.months} value={l.months}>
                  {l.label}
                </option>
              ))}
            </select>
          </div>
          <div className="button-row">
            <button type="button" className="btn btn-secondary" onClick={() => setAdding(false)} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
              Add secret
            </button>
          </div>
        </form>
      ) : null}
      {app.passwordCredentials.length === 0 ? (
        isPublic ? null : <EmptyState compact title="No client secrets." />
      ) : (
        <table className="table table-compact" aria-label="Client secrets">
          <thead>
            <tr>
              <th scope="col">Description</th>
              <th scope="col">Hint</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {app.passwordCredentials.map((p) => (
              <tr key={p.keyId}>
                <td>{p.displayName ?? <span className="muted">—</span>}</td>
                <td className="mono">{p.hint}…</td>
                <td className="nowrap">
                  {formatDate(p.endDateTime)} {new Date(p.endDateTime).getTime() <= now ? <Badge tone="danger">Expired</Badge> : null}
                </td>
                <td className="nowrap" style={{ textAlign: 'right' }}>
                  {confirming === p.keyId ? (
                    <>
                      <button type="button" className="btn btn-secondary btn-small" onClick={() => setConfirming(null)} disabled={busy}>
                        Keep
                      </button>{' '}
                      <button type="button" className="btn btn-danger btn-small" onClick={() => remove(p.keyId)} disabled={busy}>
                        Delete secret
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-danger-outline btn-small"
                      onClick={() => setConfirming(p.keyId)}
                      aria-label={`Delete secret ${p.hint}…`}
                    >
                      Delete…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
