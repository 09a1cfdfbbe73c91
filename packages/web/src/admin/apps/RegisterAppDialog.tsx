import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { FormDialogFooter, Modal } from '../../components/Modal.tsx';
import { TextField } from '../../components/TextField.tsx';
import { appsApi, parseUriLines, PLATFORMS, type Application, type Platform } from './appsApi.ts';

type Kind = Platform | 'daemon';
const KINDS: Array<[Kind, string]> = [
  ['web', 'Web application — a server that signs people in and keeps a client secret (confidential)'],
  ['spa', 'Single-page app — runs in the browser; PKCE, no secret (public client)'],
  ['publicClient', 'Mobile and desktop app — native app; PKCE, no secret (public client)'],
  ['daemon', 'Service or script — client credentials with a secret, no redirect URI (confidential)'],
];

/**
 * Registers an application (POST /applications) and creates its service principal, without which
 * it gets no tokens (docs/oidc.md). The platform decides the client: web apps and services are
 * confidential (client secret); single-page and mobile/desktop apps are public clients that sign
 * in with PKCE and no secret (docs/applications.md, ADR 0014).
 */
export function RegisterAppDialog({ onClose, onRegistered }: { onClose(): void; onRegistered(app: Application): void }) {
  const api = useApi();
  const urisId = useId();
  const [displayName, setDisplayName] = useState('');
  const [uris, setUris] = useState('');
  const [kind, setKind] = useState<Kind>('web');
  const [nameError, setNameError] = useState<string | null>(null);
  const [urisError, setUrisError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNameError(displayName.trim() ? null : 'Give the application a name.');
    // Without redirect URIs a single-page or mobile app could not sign anyone in (and the server would make it a web app).
    const publicWithoutUris = (kind === 'spa' || kind === 'publicClient') && parseUriLines(uris).length === 0;
    setUrisError(publicWithoutUris ? `A ${PLATFORMS[kind].label.toLowerCase()} needs at least one redirect URI.` : null);
    if (!displayName.trim() || publicWithoutUris) return;
    setSaving(true);
    setError(null);
    let app: Application | null = null;
    try {
      app = await appsApi.create(api, {
        displayName: displayName.trim(),
        ...(kind === 'daemon' ? {} : { [kind]: { redirectUris: parseUriLines(uris) } }),
      });
      await appsApi.createServicePrincipal(api, app.appId);
      onRegistered(app);
    } catch (err) {
      // Registered but no service principal: open it anyway; its panel offers to create one.
      if (app) return onRegistered(app);
      setError(err);
      setSaving(false);
    }
  };

  return (
    <Modal
      title="Register an application"
      subtitle="You get its application (client) id; web apps and services add a client secret afterwards in its panel."
      onClose={onClose}
      footer={<FormDialogFooter formId="register-app" saving={saving} label="Register" savingLabel="Registering…" onCancel={onClose} />}
    >
      <form id="register-app" onSubmit={submit} noValidate aria-label="Register an application">
        {error ? <ErrorAlert title="The application was not registered" error={error} /> : null}
        <TextField
          label="Display name"
          value={displayName}
          onChange={setDisplayName}
          required
          autoFocus
          maxLength={256}
          error={nameError}
          hint="Shown to people when they sign in, and in sign-in logs and Conditional Access."
        />
        <fieldset className="form-row" style={{ border: 'none', padding: 0, margin: '0 0 14px' }}>
          <legend className="label">Platform</legend>
          {KINDS.map(([k, label]) => (
            <label key={k} className="checkbox">
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} />
              {label}
            </label>
          ))}
        </fieldset>
        {kind !== 'daemon' ? (
          <div className="form-row">
            <label htmlFor={urisId} className="label">
              Redirect URIs
            </label>
            <textarea
              id={urisId}
              className="input token-input"
              rows={3}
              style={{ height: 'auto' }}
              value={uris}
              onChange={(e) => setUris(e.target.value)}
              placeholder={PLATFORMS[kind].placeholder}
              spellCheck={false}
              aria-describedby={`${urisId}-hint`}
              aria-invalid={urisError ? true : undefined}
            />
            <p id={`${urisId}-hint`} className={urisError ? 'field-error' : 'hint'}>
              {urisError ? `${urisError} ` : ''}One per line. {PLATFORMS[kind].hint} You can change them later.
            </p>
          </div>
        ) : null}
      </form>
    </Modal>
  );
}
