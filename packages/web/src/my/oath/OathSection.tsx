import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { needsReauth } from '../api.ts';
import { oathApi, type Enrolment, type HardwareOathMethod, type SoftwareOathMethod } from './oathApi.ts';

/**
 * My Security Info: authenticator apps (scan the QR code or type the key, confirm with a code)
 * and hardware tokens an administrator assigned (activate with the serial number and the code
 * the token shows). When the server wants a fresh sign-in first, a button calls `onReauth`.
 */
export function OathSection({ token, onReauth }: { token: string; onReauth(): void }) {
  const api = oathApi(token);
  const [apps, setApps] = useState<SoftwareOathMethod[]>([]);
  const [tokens, setTokens] = useState<HardwareOathMethod[]>([]);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [serial, setSerial] = useState('');
  const [tokenCode, setTokenCode] = useState('');
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [reauth, setReauth] = useState(false);

  // `api` is rebuilt each render from `token`, so `token` is the dependency.
  const reload = useCallback(() => Promise.all([api.apps().then(setApps), api.tokens().then(setTokens)]).catch(() => undefined), [token]);
  useEffect(() => void reload(), [reload]);

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ tone: 'success', text: await fn() });
      await reload();
    } catch (e) {
      if (needsReauth(e)) setReauth(true);
      else setMessage({ tone: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const confirm = (e: FormEvent) => {
    e.preventDefault();
    if (!enrolment) return;
    void run(async () => {
      await api.activateApp(enrolment.method.id, code.trim());
      setEnrolment(null);
      setCode('');
      return 'Your authenticator app is ready.';
    });
  };

  const activateToken = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.activateToken(serial.trim(), tokenCode.trim());
      setSerial('');
      setTokenCode('');
      return 'Your hardware token is activated.';
    });
  };

  return (
    <section aria-labelledby="oath-title" className="panel-section">
      <h2 id="oath-title" className="section-title">
        Authenticator apps and hardware tokens
      </h2>
      {reauth ? (
        <div className="alert alert-info" role="alert">
          <div>
            <p className="alert-message">For your security, sign in again before changing your sign-in methods.</p>
            <button type="button" className="btn btn-primary btn-small" onClick={onReauth}>
              Sign in again
            </button>
          </div>
        </div>
      ) : null}
      {message ? (
        <div className={`alert alert-${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
          <p className="alert-message">{message.text}</p>
        </div>
      ) : null}
      <ul className="my-methods" aria-label="Authenticator apps and tokens">
        {apps.map((a) => (
          <li className="my-method" key={a.id}>
            <div>
              <div className="my-method-name">{a.displayName ?? 'Authenticator app'}</div>
              <div className="my-method-meta">{a.status === 'activated' ? 'Authenticator app' : 'Not confirmed yet'}</div>
            </div>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={busy}
              onClick={() => void run(async () => (await api.removeApp(a.id), 'Removed.'))}
            >
              Delete
            </button>
          </li>
        ))}
        {tokens.map((t) => (
          <li className="my-method" key={t.id}>
            <div>
              <div className="my-method-name">{t.displayName ?? `Hardware token ${t.device.serialNumber}`}</div>
              <div className="my-method-meta">
                {[t.device.manufacturer, t.device.model].filter(Boolean).join(' ')} ·{' '}
                {t.device.status === 'activated' ? 'Activated' : 'Waiting for activation'}
              </div>
            </div>
          </li>
        ))}
      </ul>
      {enrolment ? (
        <form onSubmit={confirm} aria-label="Set up your authenticator app">
          <p>Scan this code with your authenticator app, or enter the key by hand.</p>
          <img
            alt="QR code for your authenticator app"
            width={200}
            height={200}
            src={`data:image/svg+xml;base64,${btoa(enrolment.qrCodeSvg)}`}
          />
          <p>
            Key: <code data-testid="oath-secret">{enrolment.secretKey.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
          <label className="field">
            <span className="label">Code from the app</span>
            <input
              className="input"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Confirm
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy}
          onClick={() => void run(async () => (setEnrolment(await api.enrol()), 'Scan the QR code, then enter the code your app shows.'))}
        >
          Add an authenticator app
        </button>
      )}
      {tokens.some((t) => t.device.status !== 'activated') ? (
        <form onSubmit={activateToken} aria-label="Activate a hardware token">
          <label className="field">
            <span className="label">Serial number (on the back of the token)</span>
            <input className="input" value={serial} onChange={(e) => setSerial(e.target.value)} required />
          </label>
          <label className="field">
            <span className="label">Code the token shows now</span>
            <input
              className="input"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={tokenCode}
              onChange={(e) => setTokenCode(e.target.value)}
              required
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Activate token
          </button>
        </form>
      ) : null}
    </section>
  );
}
