import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ApiError } from '../../api/client.ts';
import { EmptyState, ErrorAlert } from '../../components/feedback.tsx';
import { appsApi, parseUriLines, type Application } from './appsApi.ts';

/** The app's redirect URIs: a list, and an editor (one per line) that PATCHes `web.redirectUris`. */
export function RedirectUris({ app, onSaved }: { app: Application; onSaved(): Promise<void> }) {
  const api = useApi();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const uris = app.web.redirectUris;
  const [sent, setSent] = useState<string[]>([]);

  const start = () => {
    setText(uris.join('\n'));
    setError(null);
    setEditing(true);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const lines = parseUriLines(text);
    setSent(lines);
    setSaving(true);
    setError(null);
    try {
      await appsApi.setRedirectUris(api, app.id, lines);
      await onSaved();
      setEditing(false);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <div className="section-head">
        <h3 className="section-title">Redirect URIs</h3>
        {editing ? null : (
          <button type="button" className="btn btn-secondary btn-small" onClick={start}>
            Edit
          </button>
        )}
      </div>
      {editing ? (
        <form onSubmit={save} noValidate aria-label="Edit redirect URIs">
          {error ? <ErrorAlert title="The redirect URIs were not saved" error={namingTheUri(error, sent)} /> : null}
          <div className="form-row">
            <label htmlFor={id} className="label">
              Redirect URIs, one per line
            </label>
            <textarea
              id={id}
              className="input token-input"
              rows={4}
              style={{ height: 'auto' }}
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              autoFocus
            />
            <p className="hint">https, or http only for localhost; no #fragment. Leave empty for a client-credentials-only app.</p>
          </div>
          <div className="button-row">
            <button type="button" className="btn btn-secondary" onClick={() => setEditing(false)} disabled={saving}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving} aria-busy={saving}>
              {saving ? 'Saving…' : 'Save redirect URIs'}
            </button>
          </div>
        </form>
      ) : uris.length === 0 ? (
        <EmptyState compact title="No redirect URIs: the app can only use client credentials." />
      ) : (
        <ul className="object-list" aria-label="Redirect URIs">
          {uris.map((u) => (
            <li key={u} className="mono small">
              {u}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** "Invalid body: /web/redirectUris/1 must be…" → "Invalid redirect URI http://…: must be…" (the API names it by index). */
function namingTheUri(error: unknown, lines: string[]): unknown {
  if (!(error instanceof ApiError)) return error;
  const m = /\/web\/redirectUris\/(\d+) (.*)$/.exec(error.message);
  const uri = m ? lines[Number(m[1])] : undefined;
  if (!m || uri === undefined) return error;
  return new ApiError(error.status, error.code, `Invalid redirect URI ${uri}: it ${m[2]}.`, error.requestId);
}
