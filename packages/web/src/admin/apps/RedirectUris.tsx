import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ApiError } from '../../api/client.ts';
import { EmptyState, ErrorAlert } from '../../components/feedback.tsx';
import { appsApi, parseUriLines, platformOf, PLATFORMS, type Application, type Platform } from './appsApi.ts';

/**
 * The app's platform and redirect URIs: a list, and an editor (one per line) that PATCHes the
 * platform's `redirectUris`; choosing another platform moves the URIs there in the same PATCH.
 */
export function RedirectUris({ app, onSaved }: { app: Application; onSaved(): Promise<void> }) {
  const api = useApi();
  const id = useId();
  const current = platformOf(app);
  const [editing, setEditing] = useState(false);
  const [platform, setPlatform] = useState<Platform>(current);
  const [fallback, setFallback] = useState(app.isFallbackPublicClient);
  const idTokensOn = app.web.implicitGrantSettings?.enableIdTokenIssuance ?? false;
  const [idTokens, setIdTokens] = useState(idTokensOn);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const uris = app[current].redirectUris;
  const [sent, setSent] = useState<string[]>([]);

  const start = () => {
    setText(uris.join('\n'));
    setPlatform(current);
    setFallback(app.isFallbackPublicClient);
    setIdTokens(idTokensOn);
    setError(null);
    setEditing(true);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const lines = parseUriLines(text);
    setSent(lines);
    if (platform !== 'web' && lines.length === 0 && !fallback)
      return setError(new Error(`A ${PLATFORMS[platform].label.toLowerCase()} needs at least one redirect URI.`));
    setSaving(true);
    setError(null);
    try {
      await appsApi.setRedirectUris(api, app.id, platform, lines, current, fallback, platform === 'web' ? idTokens : undefined);
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
        <h3 className="section-title">Platform and redirect URIs</h3>
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
            <label htmlFor={`${id}-p`} className="label">
              Platform
            </label>
            <select id={`${id}-p`} className="input" value={platform} onChange={(e) => setPlatform(e.target.value as Platform)}>
              {(Object.keys(PLATFORMS) as Platform[]).map((p) => (
                <option key={p} value={p}>
                  {PLATFORMS[p].label}
                </option>
              ))}
            </select>
            {platform !== current ? (
              <p className="hint">
                Saving moves the redirect URIs from {PLATFORMS[current].label} to {PLATFORMS[platform].label}
                {platform === 'web'
                  ? '; the app becomes confidential and needs a client secret.'
                  : current === 'web'
                    ? `; the app becomes a public client (PKCE, no secret)${app.passwordCredentials.length ? ' and its secrets stop working' : ''}.`
                    : '; it stays a public client.'}
              </p>
            ) : null}
          </div>
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
            <p className="hint">
              {PLATFORMS[platform].hint}
              {platform === 'web' ? ' Leave empty for a client-credentials-only app.' : ''}
            </p>
          </div>
          <FallbackPublicClient checked={platform !== 'web' && fallback} disabled={platform === 'web'} onChange={setFallback} />
          {platform === 'web' ? <IdTokenIssuance checked={idTokens} onChange={setIdTokens} /> : null}
          <div className="button-row">
            <button type="button" className="btn btn-secondary" onClick={() => setEditing(false)} disabled={saving}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving} aria-busy={saving}>
              {saving ? 'Saving…' : 'Save redirect URIs'}
            </button>
          </div>
        </form>
      ) : (
        <>
          {app.isFallbackPublicClient ? <p className="hint" data-testid="fallback-public-client">Public client flows allowed (isFallbackPublicClient).</p> : null}
          {current === 'web' && idTokensOn ? (
            <p className="hint" data-testid="id-token-issuance">
              ID tokens from the authorization endpoint allowed (implicit and hybrid flows).
            </p>
          ) : null}
        </>
      )}
      {editing ? null : uris.length === 0 ? (
        <EmptyState
          compact
          title={current === 'web' ? 'No redirect URIs: the app can only use client credentials.' : `${PLATFORMS[current].label} without redirect URIs: it cannot sign anyone in yet.`}
        />
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

/**
 * Graph's `isFallbackPublicClient` ("Allow public client flows" in Entra): the app is a public
 * client even without SPA or mobile redirect URIs — no secret, no client credentials, PKCE (ADR 0014) —
 * and may use the device code flow (ADR 0019).
 */
function FallbackPublicClient({ checked, disabled, onChange }: { checked: boolean; disabled: boolean; onChange(v: boolean): void }) {
  const id = useId();
  return (
    <div className="form-row">
      <label htmlFor={id} className="checkbox">
        <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} /> Allow public client flows
      </label>
      <p className="hint">
        <code>isFallbackPublicClient</code>:{' '}
        {disabled
          ? 'A web app is confidential: it authenticates with its client secret, so it cannot be a public client.'
          : 'Treat the app as a public client even when a request names no platform: it never holds a client secret, cannot use client credentials and signs people in with PKCE. It also lets the app use the device code flow (a command-line tool or kiosk shows a code that the person enters at /oidc/device); the password (ROPC) flow is not offered.'}
      </p>
    </div>
  );
}

/**
 * Graph's `web.implicitGrantSettings.enableIdTokenIssuance` ("ID tokens (used for implicit and hybrid
 * flows)" in Entra): the authorization endpoint may answer `id_token` or `code id_token`, as ASP.NET's
 * OWIN middleware asks. Never access tokens there.
 */
function IdTokenIssuance({ checked, onChange }: { checked: boolean; onChange(v: boolean): void }) {
  const id = useId();
  return (
    <div className="form-row">
      <label htmlFor={id} className="checkbox">
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> ID tokens (used for implicit and
        hybrid flows)
      </label>
      <p className="hint">
        <code>implicitGrantSettings.enableIdTokenIssuance</code>: only for apps that ask the authorization endpoint for an ID token
        (<code>response_type=id_token</code> or <code>code id_token</code>, as ASP.NET OWIN apps do). Apps on the authorization code flow
        do not need it. Access tokens are never issued there.
      </p>
    </div>
  );
}

/** "Invalid body: /web/redirectUris/1 must be…" → "Invalid redirect URI http://…: must be…" (the API names it by index). */
function namingTheUri(error: unknown, lines: string[]): unknown {
  if (!(error instanceof ApiError)) return error;
  const m = /\/(?:web|spa|publicClient)\/redirectUris\/(\d+) (.*)$/.exec(error.message);
  const uri = m ? lines[Number(m[1])] : undefined;
  if (!m || uri === undefined) return error;
  return new ApiError(error.status, error.code, `Invalid redirect URI ${uri}: it ${m[2]}.`, error.requestId);
}
