import { useState, type FormEvent } from 'react';
import { Badge } from '../../components/ListToolbar.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useRawApi } from './methodsApi.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { METHOD_ORDER, METHODS, type MethodId } from './types.ts';

interface Explanation {
  userPrincipalName: string;
  methods: Array<{ methodId: MethodId; enabled: boolean; canSelfRegister: boolean; availableInLatchkey: boolean; explanation: string }>;
  passkeyProfiles: Array<{ id: string; name: string }>;
}

/** "Which methods may this user use, and why": the saved policy's answer for one user (`POST …/evaluate`). */
export function UserCheck() {
  const raw = useRawApi();
  const [user, setUser] = useState('');
  const [result, setResult] = useState<Explanation | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    try {
      setResult(await raw.send<Explanation>('POST', '/policies/authenticationMethodsPolicy/evaluate', { userId: user.trim() }));
    } catch (err) {
      setError(err);
    }
  };
  const rows = result ? [...result.methods].sort((a, b) => METHOD_ORDER.indexOf(a.methodId) - METHOD_ORDER.indexOf(b.methodId)) : [];

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Check a user" style={{ marginTop: 16 }}>
      <h2 className="section-title methods-card-title">Check a user</h2>
      <p className="muted">Which methods the saved policy lets one person use and register, and why.</p>
      <div className="methods-fields-wide" style={{ alignItems: 'end' }}>
        <TextField label="User (id or user principal name)" value={user} onChange={setUser} required />
        <div className="form-row">
          <button type="submit" className="btn btn-secondary" disabled={!user.trim()}>
            Check
          </button>
        </div>
      </div>
      {error ? <ProblemAlert error={error} title="Could not check that user" /> : null}
      {result ? (
        <div className="methods-scroll">
          <table className="table table-compact" aria-label={`Methods for ${result.userPrincipalName}`}>
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">May use</th>
                <th scope="col">May register</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.methodId}>
                  <td className="nowrap">{METHODS[m.methodId]?.label ?? m.methodId}</td>
                  <td>
                    <Badge tone={m.enabled && m.availableInLatchkey ? 'success' : 'neutral'}>
                      {m.enabled ? (m.availableInLatchkey ? 'Yes' : 'Not in Latchkey') : 'No'}
                    </Badge>
                  </td>
                  <td>{m.canSelfRegister ? 'Yes' : 'No'}</td>
                  <td className="small">{m.explanation}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.passkeyProfiles.length ? (
            <p className="muted small">Passkey profiles: {result.passkeyProfiles.map((p) => p.name).join(', ')}</p>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
