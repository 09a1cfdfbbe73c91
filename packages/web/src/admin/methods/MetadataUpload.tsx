import { useState, type FormEvent } from 'react';
import { Fields, Spinner } from '../../components/feedback.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { useResource } from '../../components/useResource.ts';
import { DetailedApiError, useRawApi } from './methodsApi.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import type { MetadataImport } from './types.ts';

const REASONS: Record<string, string> = {
  metadataSignerUntrusted: 'Chain check failed: the signer does not chain to the FIDO root or a metadata trust anchor.',
  metadataSignatureInvalid: 'Signature check failed: the file was altered or signed by another key.',
  metadataMalformed: 'The file is not an MDS3 BLOB.',
  metadataStale: 'The file is older than the metadata already imported.',
};

/** Import a FIDO MDS3 BLOB file (verified on the server: JWS signature and x5c chain), and what was imported last. */
export function MetadataUpload() {
  const raw = useRawApi();
  const last = useResource('mds-last', async (signal) => {
    try {
      return await raw.get<MetadataImport>('/passkeys/metadata', signal);
    } catch (e) {
      if (e instanceof DetailedApiError && e.status === 404) return null;
      throw e;
    }
  });
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<MetadataImport | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const text = await file.text();
      const r = await raw.request<MetadataImport>('/passkeys/metadata', {
        method: 'POST',
        rawBody: { text: text.trim(), contentType: 'application/jwt' },
      });
      setResult(r.body);
      last.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const reason = error instanceof DetailedApiError ? REASONS[String(error.details?.reason)] : undefined;

  return (
    <form className="card" onSubmit={submit} aria-labelledby="mds-heading">
      <h2 id="mds-heading" className="section-title methods-card-title">
        FIDO metadata (MDS3)
      </h2>
      <p className="muted">
        Upload the BLOB file downloaded from the FIDO Alliance Metadata Service. Its signature must verify and its certificate chain must
        reach the FIDO root (or a <em>metadata</em> trust anchor below). Its entries name authenticators by AAGUID and anchor their
        attestation.
      </p>
      {last.loading ? (
        <Spinner label="Loading the last import…" inline />
      ) : last.data ? (
        <Fields
          rows={[
            ['Imported', formatDateTime(last.data.importedDateTime)],
            ['Serial number', String(last.data.no)],
            ['Entries (FIDO2)', String(last.data.entryCount)],
            ['Next update', last.data.nextUpdate ? formatDate(last.data.nextUpdate) : null],
            ['Signed by', last.data.signerSubject],
          ]}
        />
      ) : (
        <p className="muted">No metadata imported yet: attestation can only chain to trust anchors you add, and AAGUIDs show no names.</p>
      )}
      <label className="field" style={{ display: 'block', margin: '12px 0' }}>
        <span className="label">MDS3 BLOB file</span>{' '}
        <input
          type="file"
          accept=".jwt,.blob,.txt,application/jwt"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          disabled={busy}
        />
      </label>
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={!file || busy}>
          {busy ? 'Verifying and importing…' : 'Import metadata'}
        </button>
      </div>
      {error ? <ProblemAlert error={error} title={reason} /> : null}
      {result ? (
        <div role="status" className="alert alert-success" data-testid="mds-result">
          <div>
            <strong className="alert-title">Imported: signature and certificate chain verified</strong>
            <p className="alert-message">
              BLOB no. {result.no}, {result.entryCount} FIDO2 entr{result.entryCount === 1 ? 'y' : 'ies'}, next update{' '}
              {result.nextUpdate ? formatDate(result.nextUpdate) : 'not given'}, signed by {result.signerSubject}.
            </p>
            {result.legalHeader ? (
              <p className="small" style={{ margin: '6px 0 0' }}>
                <strong>Legal header:</strong> {result.legalHeader}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
    </form>
  );
}
