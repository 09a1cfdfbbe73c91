import { useState, type FormEvent } from 'react';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { Badge } from '../../components/ListToolbar.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useResource } from '../../components/useResource.ts';
import { useRawApi } from './methodsApi.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import type { NamedLocation } from './types.ts';
import { DeleteButton } from '../../components/DeleteButton.tsx';

const BASE = '/identity/conditionalAccess/namedLocations';
const IP = '#microsoft.graph.ipNamedLocation';

/** /admin/methods/locations: named locations (IP ranges, trusted flag, countries shown) — list, create IP locations, trust/untrust, delete. */
export function NamedLocations() {
  const raw = useRawApi();
  const list = useResource('named-locations', (signal) => raw.get<{ value: NamedLocation[] }>(BASE, signal));
  const [name, setName] = useState('');
  const [ranges, setRanges] = useState('');
  const [trusted, setTrusted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
      list.reload();
      return true;
    } catch (e) {
      setProblem(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const ipRanges = ranges
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((cidrAddress) => ({ cidrAddress }));
    if (await act(() => raw.send('POST', BASE, { '@odata.type': IP, displayName: name.trim(), isTrusted: trusted, ipRanges }))) {
      setName('');
      setRanges('');
      setTrusted(false);
    }
  };

  return (
    <>
      {problem ? <ProblemAlert error={problem} /> : null}
      {list.error && !list.loading ? <ErrorAlert title="Could not load named locations" error={list.error} onRetry={list.reload} /> : null}
      <div className="table-card">
        {list.loading ? (
          <Spinner label="Loading named locations…" />
        ) : !list.data?.value.length ? (
          <EmptyState title="No named locations yet.">
            Add your office networks below; Conditional Access policies can then include or exclude them.
          </EmptyState>
        ) : (
          <table className="table" aria-label="Named locations">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Ranges or countries</th>
                <th scope="col">Trusted</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.value.map((l) => (
                <tr key={l.id}>
                  <td>{l.displayName}</td>
                  <td className="small mono">
                    {l['@odata.type'] === IP
                      ? (l.ipRanges ?? []).map((r) => r.cidrAddress).join(', ')
                      : (l.countriesAndRegions ?? []).join(', ')}
                  </td>
                  <td>{l.isTrusted ? <Badge tone="success">Trusted</Badge> : <span className="muted">No</span>}</td>
                  <td className="nowrap">
                    {l['@odata.type'] === IP ? (
                      <button
                        type="button"
                        className="btn btn-secondary btn-small"
                        disabled={busy}
                        onClick={() => void act(() => raw.send('PATCH', `${BASE}/${l.id}`, { '@odata.type': IP, isTrusted: !l.isTrusted }))}
                      >
                        {l.isTrusted ? 'Untrust' : 'Trust'}
                      </button>
                    ) : null}{' '}
                    <DeleteButton
                      name={l.displayName}
                      disabled={busy}
                      onClick={() => window.confirm(`Delete “${l.displayName}”?`) && void act(() => raw.send('DELETE', `${BASE}/${l.id}`))}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <form className="card" onSubmit={create} aria-label="New IP location" style={{ marginTop: 16 }}>
        <h2 className="section-title methods-card-title">New IP location</h2>
        <div className="methods-fields-wide">
          <TextField label="Name" value={name} onChange={setName} required maxLength={256} />
          <TextField
            label="IP ranges (CIDR, separated by spaces or commas)"
            value={ranges}
            onChange={setRanges}
            placeholder="198.51.100.0/24, 2001:db8::/48"
          />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} /> Mark as trusted location
        </label>
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
            Add location
          </button>
        </div>
      </form>
    </>
  );
}
