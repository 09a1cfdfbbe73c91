import { useId, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { useResource } from '../../components/useResource.ts';
import { userMethodsApi, type PerUserMfaState } from './UserMethodsApi.ts';

const STATES: Array<{ value: PerUserMfaState; label: string }> = [
  { value: 'disabled', label: 'Disabled — Conditional Access decides' },
  { value: 'enabled', label: 'Enabled — MFA at every sign-in; becomes Enforced once they register a method' },
  { value: 'enforced', label: 'Enforced — MFA at every sign-in' },
];

/** Legacy per-user MFA (GET/PATCH /users/{id}/authentication/requirements, docs/oath.md). */
export function PerUserMfa({ userId }: { userId: string }) {
  const api = useApi();
  const id = useId();
  const req = useResource(`requirements:${userId}`, (signal) => userMethodsApi.requirements(api, userId, signal));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const change = async (next: PerUserMfaState) => {
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      await userMethodsApi.setPerUserMfa(api, userId, next);
      req.set(await userMethodsApi.requirements(api, userId));
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <h3 className="section-title">Per-user MFA</h3>
      {req.loading && !req.data ? <Spinner inline label="Loading per-user MFA…" /> : null}
      {req.error ? <ErrorAlert error={req.error} onRetry={req.reload} /> : null}
      {error ? <ErrorAlert title="The per-user MFA state was not changed" error={error} /> : null}
      {req.data ? (
        <div className="form-row">
          <label className="label" htmlFor={id}>
            Per-user MFA state
          </label>
          <select
            id={id}
            className="input"
            value={req.data.perUserMfaState}
            disabled={saving}
            aria-busy={saving}
            onChange={(e) => void change(e.target.value as PerUserMfaState)}
          >
            {STATES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          <p className="hint" role={saved ? 'status' : undefined}>
            {saved ? 'Saved.' : 'Legacy setting; prefer Conditional Access policies with an authentication strength.'}
          </p>
        </div>
      ) : null}
    </>
  );
}
