import { useEffect, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ApiError } from '../../api/client.ts';
import { ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { useResource } from '../../components/useResource.ts';
import { navigate } from '../../router.tsx';
import { policiesApi } from './policiesApi.ts';

const TEMPLATE = {
  displayName: 'Require phishing-resistant MFA for administrators',
  state: 'enabledForReportingButNotEnforced',
  conditions: {
    users: { includeRoles: ['62e90394-69f5-4237-9190-012177145e10'], excludeUsers: [] },
    applications: { includeApplications: ['All'] },
  },
  grantControls: { operator: 'OR', authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } },
};
const READ_ONLY = ['id', 'createdDateTime', 'modifiedDateTime'];

/** `/admin/policies/new` and `/admin/policies/{id}`: the policy as Graph JSON, saved as-is; lockout risks need a second, explicit confirmation. */
export function PolicyEditor({ id }: { id: string }) {
  const api = useApi();
  const isNew = id === 'new';
  const policy = useResource(isNew ? null : `ca-policy:${id}`, (signal) => policiesApi.get(api, id, signal));
  const [text, setText] = useState(isNew ? JSON.stringify(TEMPLATE, null, 2) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const [risk, setRisk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (policy.data) {
      const body = Object.fromEntries(Object.entries(policy.data).filter(([k]) => !READ_ONLY.includes(k)));
      const g = body.grantControls as { authenticationStrength?: { id: string } | null } | null;
      if (g?.authenticationStrength) g.authenticationStrength = { id: g.authenticationStrength.id };
      setText(JSON.stringify(body, null, 2));
    }
  }, [policy.data]);

  const save = async (confirm: boolean) => {
    setProblem(null);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      setProblem(`Not valid JSON: ${(e as Error).message}`);
      return;
    }
    setBusy(true);
    try {
      if (isNew) {
        const created = await policiesApi.create(api, body, confirm);
        navigate(`/admin/policies/${created.id}`, { replace: true });
      } else {
        await policiesApi.update(api, id, body, confirm);
        policy.reload();
      }
      setRisk(null);
      setProblem(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setRisk(e.message);
      else setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (confirm: boolean) => {
    if (!confirm && !window.confirm('Delete this policy?')) return;
    try {
      await policiesApi.remove(api, id, confirm);
      navigate('/admin/policies');
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setRisk(e.message);
      else setProblem((e as Error).message);
    }
  };

  if (!isNew && policy.loading) return <Spinner label="Loading the policy…" />;
  if (!isNew && policy.error) return <ErrorAlert title="Could not load the policy" error={policy.error} onRetry={policy.reload} />;
  return (
    <div className="card">
      <h2 className="section-title">{isNew ? 'New policy' : (policy.data?.displayName ?? id)}</h2>
      <p className="hint">
        Graph JSON, as Entra exports it. Start in report-only (<code>enabledForReportingButNotEnforced</code>): it is logged, never
        enforced, and the lockout analysis shows whom it would lock out.
      </p>
      <label className="label" htmlFor="policy-json">
        Policy JSON
      </label>
      <textarea
        id="policy-json"
        className="input mono"
        spellCheck={false}
        rows={16}
        style={{ width: '100%', fontSize: '0.85rem' }}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {problem ? (
        <div role="alert" className="alert alert-error">
          <p className="alert-message">{problem}</p>
        </div>
      ) : null}
      {risk ? (
        <div role="alert" className="alert alert-error" data-testid="lockout-risk">
          <p className="alert-title">This change would lock people out</p>
          <p className="alert-message">{risk}</p>
          <button type="button" className="btn btn-danger btn-small" onClick={() => void save(true)} disabled={busy}>
            Apply anyway
          </button>
        </div>
      ) : null}
      <div className="button-row">
        <button type="button" className="btn btn-primary" onClick={() => void save(false)} disabled={busy}>
          {isNew ? 'Create' : 'Save'}
        </button>
        {!isNew ? (
          <button type="button" className="btn btn-danger-outline" onClick={() => void remove(false)} disabled={busy}>
            Delete
          </button>
        ) : null}
      </div>
    </div>
  );
}
