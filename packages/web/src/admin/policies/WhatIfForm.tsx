import { useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { Badge } from '../../components/ListToolbar.tsx';
import { TextField } from '../../components/TextField.tsx';
import { policiesApi, STATE_LABEL, type WhatIfResult } from './policiesApi.ts';

const PLATFORMS = ['', 'windows', 'macOS', 'iOS', 'android', 'linux'];

/** What If: describe a sign-in; see which policies apply and, for the others, the first unmet condition. */
export function WhatIfForm() {
  const api = useApi();
  const [user, setUser] = useState('');
  const [app, setApp] = useState('');
  const [platform, setPlatform] = useState('');
  const [ip, setIp] = useState('');
  const [country, setCountry] = useState('');
  const [results, setResults] = useState<WhatIfResult[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const signInConditions: Record<string, string> = {};
    if (platform) signInConditions.devicePlatform = platform;
    if (ip) signInConditions.ipAddress = ip.trim();
    if (country) signInConditions.country = country.trim().toUpperCase();
    try {
      setResults(
        await policiesApi.whatIf(api, {
          signInIdentity: { '@odata.type': '#microsoft.graph.userSignIn', userId: user.trim() },
          signInContext: app.trim()
            ? { '@odata.type': '#microsoft.graph.applicationContext', includeApplications: [app.trim()] }
            : { '@odata.type': '#microsoft.graph.userActionContext', userAction: 'registerSecurityInformation' },
          signInConditions,
        }),
      );
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="card">
      <form onSubmit={(e) => void submit(e)} aria-label="What If">
        <div className="form-row">
          <TextField label="User (id or user principal name)" value={user} onChange={setUser} required />
          <TextField label="Application (app id; empty = Register security information)" value={app} onChange={setApp} />
        </div>
        <div className="form-row">
          <label className="field">
            <span className="label">Device platform</span>
            <select className="input" value={platform} onChange={(e) => setPlatform(e.target.value)}>
              {PLATFORMS.map((p) => (
                <option key={p} value={p}>
                  {p || '(not given)'}
                </option>
              ))}
            </select>
          </label>
          <TextField label="IP address" value={ip} onChange={setIp} />
          <TextField label="Country (ISO code)" value={country} onChange={setCountry} />
        </div>
        <button type="submit" className="btn btn-primary">
          Evaluate
        </button>
      </form>
      {error ? <ErrorAlert title="What If failed" error={error} /> : null}
      {results ? (
        <div className="table-card" style={{ marginTop: '1rem' }}>
          <table className="table" aria-label="What If results">
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">State</th>
                <th scope="col">Applies</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <tr key={r.id}>
                  <td>{r.displayName}</td>
                  <td>{STATE_LABEL[r.state]}</td>
                  <td>{r.policyApplies ? <Badge tone="warning">Applies</Badge> : <Badge tone="neutral">No</Badge>}</td>
                  <td className="mono">{r.analysisReasons}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
