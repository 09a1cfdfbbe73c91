import { useState, type FormEvent } from 'react';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { formatDate } from '../../components/format.ts';
import { Badge } from '../../components/ListToolbar.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useResource } from '../../components/useResource.ts';
import { useRawApi } from './methodsApi.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import type { TrustAnchor } from './types.ts';
import { DeleteButton } from '../../components/DeleteButton.tsx';

const USAGE = { attestation: 'Attestation root', metadata: 'Metadata signer root' } as const;

/** Custom trust anchors: list (subject, expiry), add a PEM certificate, delete. */
export function TrustAnchors() {
  const raw = useRawApi();
  const list = useResource('trust-anchors', (signal) => raw.get<{ value: TrustAnchor[] }>('/passkeys/trustAnchors', signal));
  const [name, setName] = useState('');
  const [usage, setUsage] = useState<TrustAnchor['usage']>('attestation');
  const [pem, setPem] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await raw.send('POST', '/passkeys/trustAnchors', { displayName: name.trim(), certificatePem: pem.trim(), usage });
      setName('');
      setPem('');
      list.reload();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (a: TrustAnchor) => {
    if (!window.confirm(`Delete the trust anchor “${a.displayName}”? Passkeys whose attestation chains only to it stop being trusted.`))
      return;
    setProblem(null);
    try {
      await raw.send('DELETE', `/passkeys/trustAnchors/${encodeURIComponent(a.id)}`);
      list.reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const now = Date.now();

  return (
    <div className="card" aria-labelledby="anchors-heading" style={{ marginTop: 16 }}>
      <h2 id="anchors-heading" className="section-title methods-card-title">
        Custom trust anchors
      </h2>
      <p className="muted">
        Root certificates you trust in addition to the FIDO metadata: vendor attestation roots, or the signer of a private metadata service.
      </p>
      {list.error ? <ErrorAlert title="Could not load the trust anchors" error={list.error} onRetry={list.reload} /> : null}
      {list.loading ? (
        <Spinner label="Loading trust anchors…" />
      ) : !list.data?.value.length ? (
        <EmptyState compact title="No custom trust anchors." />
      ) : (
        <div className="methods-scroll">
          <table className="table table-compact" aria-label="Trust anchors">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Used for</th>
                <th scope="col">Subject</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.value.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.displayName}
                    <div className="muted small mono" title={a.thumbprintSha256}>
                      SHA-256 {a.thumbprintSha256.slice(0, 16)}…
                    </div>
                  </td>
                  <td>{USAGE[a.usage]}</td>
                  <td className="small">{a.subject}</td>
                  <td className="nowrap">
                    {formatDate(a.notAfterDateTime)} {Date.parse(a.notAfterDateTime) < now ? <Badge tone="danger">Expired</Badge> : null}
                  </td>
                  <td>
                    <DeleteButton name={a.displayName} onClick={() => void remove(a)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={add} aria-label="Add a trust anchor">
        <h3 className="section-title">Add a trust anchor</h3>
        <div className="methods-fields-wide">
          <TextField label="Name" value={name} onChange={setName} required maxLength={200} />
          <div className="form-row">
            <label className="label" htmlFor="anchor-usage">
              Used for
            </label>
            <select id="anchor-usage" className="input" value={usage} onChange={(e) => setUsage(e.target.value as TrustAnchor['usage'])}>
              <option value="attestation">{USAGE.attestation}</option>
              <option value="metadata">{USAGE.metadata}</option>
            </select>
          </div>
        </div>
        <div className="form-row">
          <label className="label" htmlFor="anchor-pem">
            Certificate (PEM)
          </label>
          <textarea
            id="anchor-pem"
            className="input mono"
            rows={6}
            spellCheck={false}
            style={{ width: '100%', fontSize: '0.8rem' }}
            placeholder="-----BEGIN CERTIFICATE-----"
            value={pem}
            onChange={(e) => setPem(e.target.value)}
          />
        </div>
        {problem ? <ProblemAlert error={problem} /> : null}
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || !pem.trim()}>
            {busy ? 'Adding…' : 'Add trust anchor'}
          </button>
        </div>
      </form>
    </div>
  );
}
