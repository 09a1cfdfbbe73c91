import { useState } from 'react';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { Badge } from '../../components/ListToolbar.tsx';
import { useResource } from '../../components/useResource.ts';
import { useRawApi } from './methodsApi.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { StrengthForm } from './StrengthForm.tsx';
import type { Strength } from './types.ts';
import { DeleteButton } from '../../components/DeleteButton.tsx';

const BASE = '/identity/conditionalAccess/authenticationStrength';

/** Conditional Access policies that use a strength (`…/{id}/usage`). */
function Usage({ id }: { id: string }) {
  const raw = useRawApi();
  const usage = useResource(`strength-usage:${id}`, (signal) =>
    raw.get<{ mfa: Array<{ displayName: string }>; none: Array<{ displayName: string }> }>(`${BASE}/policies/${id}/usage`, signal),
  );
  if (usage.loading) return <span className="muted">…</span>;
  const names = [...(usage.data?.mfa ?? []), ...(usage.data?.none ?? [])].map((p) => p.displayName);
  return names.length ? <span>{names.join(', ')}</span> : <span className="muted">Not used</span>;
}

/** /admin/methods/strengths: built-in strengths (read-only) and custom ones (create, edit, delete). */
export function StrengthsTab() {
  const raw = useRawApi();
  const list = useResource('strengths', (signal) => raw.get<{ value: Strength[] }>(`${BASE}/policies`, signal));
  const combos = useResource('strength-combinations', (signal) => raw.get<{ value: string[] }>(`${BASE}/combinations`, signal));
  const [editing, setEditing] = useState<Strength | 'new' | null>(null);
  const [problem, setProblem] = useState<{ error: unknown; title: string } | null>(null);

  const remove = async (s: Strength) => {
    if (!window.confirm(`Delete the authentication strength “${s.displayName}”?`)) return;
    setProblem(null);
    try {
      await raw.send('DELETE', `${BASE}/policies/${s.id}`);
      list.reload();
    } catch (e) {
      setProblem({ error: e, title: `“${s.displayName}” was not deleted` });
    }
  };

  const strengths = list.data?.value ?? [];
  return (
    <>
      <div className="toolbar">
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            setProblem(null);
            setEditing('new');
          }}
          disabled={editing !== null}
        >
          New custom strength
        </button>
        <button type="button" className="btn btn-secondary" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </div>
      {editing && combos.data ? (
        <StrengthForm
          key={editing === 'new' ? 'new' : editing.id}
          existing={editing === 'new' ? null : editing}
          combinations={combos.data.value}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {problem ? <ProblemAlert error={problem.error} title={problem.title} /> : null}
      {list.error && !list.loading ? <ErrorAlert title="Could not load the strengths" error={list.error} onRetry={list.reload} /> : null}
      <div className="table-card">
        {list.loading ? (
          <Spinner label="Loading authentication strengths…" />
        ) : strengths.length === 0 ? (
          <EmptyState title="No authentication strengths." />
        ) : (
          <table className="table" aria-label="Authentication strengths">
            <thead>
              <tr>
                <th scope="col" style={{ width: '24%' }}>
                  Name
                </th>
                <th scope="col">Type</th>
                <th scope="col">Allowed combinations</th>
                <th scope="col" style={{ width: 170 }}>
                  Used by
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {strengths.map((s) => (
                <tr key={s.id}>
                  <td>
                    <strong>{s.displayName}</strong>
                    {s.description ? <div className="muted small">{s.description}</div> : null}
                  </td>
                  <td className="nowrap">
                    <Badge tone={s.policyType === 'builtIn' ? 'neutral' : 'info'}>
                      {s.policyType === 'builtIn' ? 'Built-in' : 'Custom'}
                    </Badge>{' '}
                    <Badge tone={s.requirementsSatisfied === 'mfa' ? 'success' : 'warning'}>
                      {s.requirementsSatisfied === 'mfa' ? 'MFA' : 'Single factor'}
                    </Badge>
                  </td>
                  <td className="small">
                    {s.allowedCombinations.map((c) => c.split(',').join(' + ')).join(' · ')}
                    {s.combinationConfigurations.map((c) => (
                      <div key={c.id} className="muted">
                        fido2 limited to {c.allowedAAGUIDs?.length ?? 0} AAGUID(s)
                      </div>
                    ))}
                  </td>
                  <td className="small">{s.policyType === 'custom' ? <Usage id={s.id} /> : <span className="muted">—</span>}</td>
                  <td className="nowrap">
                    {s.policyType === 'custom' ? (
                      <>
                        <button
                          type="button"
                          className="btn btn-secondary btn-small"
                          aria-label={`Edit ${s.displayName}`}
                          onClick={() => {
                            setProblem(null);
                            setEditing(s);
                          }}
                          disabled={editing !== null}
                        >
                          Edit
                        </button>{' '}
                        <DeleteButton name={s.displayName} onClick={() => void remove(s)} />
                      </>
                    ) : (
                      <span className="muted small">Read-only</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
