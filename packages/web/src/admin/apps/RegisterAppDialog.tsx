import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { FormDialogFooter, Modal } from '../../components/Modal.tsx';
import { TextField } from '../../components/TextField.tsx';
import { appsApi, parseUriLines, type Application } from './appsApi.ts';

/**
 * Registers an application (POST /applications) and creates its service principal, without which
 * it gets no tokens (docs/oidc.md). Latchkey's clients are confidential: they authenticate at the
 * token endpoint with a client secret (client_secret_basic/post).
 */
export function RegisterAppDialog({ onClose, onRegistered }: { onClose(): void; onRegistered(app: Application): void }) {
  const api = useApi();
  const urisId = useId();
  const [displayName, setDisplayName] = useState('');
  const [uris, setUris] = useState('');
  const [kind, setKind] = useState<'web' | 'daemon'>('web');
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!displayName.trim()) return setNameError('Give the application a name.');
    setNameError(null);
    setSaving(true);
    setError(null);
    let app: Application | null = null;
    try {
      app = await appsApi.create(api, {
        displayName: displayName.trim(),
        web: { redirectUris: kind === 'web' ? parseUriLines(uris) : [] },
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
      subtitle="You get its application (client) id; add a client secret afterwards in its panel."
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
          <legend className="label">Client type</legend>
          <label className="checkbox">
            <input type="radio" name="kind" checked={kind === 'web'} onChange={() => setKind('web')} />
            Web application (confidential: signs people in with a redirect URI and a client secret)
          </label>
          <label className="checkbox">
            <input type="radio" name="kind" checked={kind === 'daemon'} onChange={() => setKind('daemon')} />
            Service or script (confidential: client credentials with a secret, no redirect URI)
          </label>
          <p className="hint">
            Public clients (single-page and native apps without a secret) are not supported yet: every Latchkey client authenticates with a
            secret at the token endpoint.
          </p>
        </fieldset>
        {kind === 'web' ? (
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
              placeholder="https://app.example.com/callback"
              spellCheck={false}
              aria-describedby={`${urisId}-hint`}
            />
            <p id={`${urisId}-hint`} className="hint">
              One per line. https, or http only for localhost; no #fragment. You can change them later.
            </p>
          </div>
        ) : null}
      </form>
    </Modal>
  );
}
