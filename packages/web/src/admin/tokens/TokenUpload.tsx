import { useState, type FormEvent } from 'react';
import { useAuth } from '../../auth/AuthContext.tsx';
import { uploadTokens, type ImportResult } from './tokensApi.ts';

/** Upload panel: an Entra CSV or PSKC file, optional pre-shared key, partial import; shows progress and every problem by line. */
export function TokenUpload({ onImported }: { onImported(): void }) {
  const { token } = useAuth();
  const [file, setFile] = useState<File | null>(null);
  const [psk, setPsk] = useState('');
  const [partial, setPartial] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = progress !== null;
  const pskValid = psk === '' || /^[0-9a-fA-F]{32}$/.test(psk);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !token || !pskValid) return;
    setResult(null);
    setError(null);
    try {
      const r = await uploadTokens({ token, file, partial, ...(psk ? { psk } : {}), onProgress: setProgress });
      setResult(r);
      if (r.imported > 0) onImported();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="upload-heading">
      <h2 id="upload-heading" className="section-title">
        Import tokens
      </h2>
      <p className="muted">
        Entra CSV (<code>upn,serial number,secret key,time interval,manufacturer,model</code>) or a PSKC file. The whole file is checked
        first; a file with problems imports nothing unless you allow a partial import.
      </p>
      <label className="field">
        <span className="label">Token file</span>
        <input
          type="file"
          accept=".csv,.xml,.pskc,text/csv,application/xml"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          disabled={busy}
        />
      </label>
      <label className="field">
        <span className="label">PSKC pre-shared key (32 hex digits, encrypted files only)</span>
        <input
          className="input"
          type="password"
          autoComplete="off"
          value={psk}
          onChange={(e) => setPsk(e.target.value.trim())}
          aria-invalid={!pskValid}
          disabled={busy}
        />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} disabled={busy} /> Import the good rows even
        if some rows have problems
      </label>
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={!file || busy || !pskValid}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      {busy ? (
        <div role="status" aria-live="polite">
          <progress max={1} value={progress < 1 ? progress : undefined} aria-label="Import progress" />
          <span className="muted"> {progress < 1 ? `Uploading ${Math.round(progress * 100)}%` : 'Checking and importing…'}</span>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      ) : null}
      {result ? (
        <div role="status" className={`alert ${result.ok ? 'alert-success' : 'alert-error'}`}>
          <p>
            {result.ok ? `Imported ${result.imported} token(s) (${result.assigned} assigned).` : 'Nothing was imported.'}
            {result.issues.length ? ` ${result.issues.length} problem(s):` : ''}
          </p>
          {result.issues.length ? (
            <ul className="small" aria-label="Problems">
              {result.issues.slice(0, 200).map((i) => (
                <li key={`${i.line}-${i.serialNumber ?? ''}-${i.reason}`}>
                  Line {i.line}
                  {i.serialNumber ? ` (${i.serialNumber})` : ''}: {i.reason}
                </li>
              ))}
              {result.issues.length > 200 ? <li>… and {result.issues.length - 200} more</li> : null}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
