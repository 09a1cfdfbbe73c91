import { useId, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { appsApi, type Application, type GroupMembershipClaims } from './appsApi.ts';

const CHOICES: Array<{ value: GroupMembershipClaims; label: string }> = [
  { value: 'None', label: 'None' },
  { value: 'SecurityGroup', label: 'Security groups' },
  { value: 'All', label: 'All groups' },
];

/**
 * Graph `groupMembershipClaims` (Entra's "Token configuration → Add groups claim"): which of the
 * person's groups the app's ID tokens name in `groups`, by object id, nested groups included.
 * Saved as soon as it is chosen.
 */
export function GroupClaims({ app, onChanged }: { app: Application; onChanged(): Promise<void> }) {
  const api = useApi();
  const id = useId();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const current: GroupMembershipClaims =
    app.groupMembershipClaims === 'SecurityGroup' || app.groupMembershipClaims === 'All' ? app.groupMembershipClaims : 'None';
  const choose = async (value: GroupMembershipClaims) => {
    setSaving(true);
    setError(null);
    try {
      await appsApi.setGroupClaims(api, app.id, value);
      await onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-title`} data-testid="group-claims">
      <div className="section-head">
        <h3 className="section-title" id={`${id}-title`}>
          Token configuration
        </h3>
      </div>
      <div className="form-row">
        {error ? <ErrorAlert title="The groups claim was not saved" error={error} /> : null}
        <label htmlFor={id} className="label">
          Groups in the app's tokens
        </label>
        <select
          id={id}
          className="input"
          value={current}
          disabled={saving}
          aria-busy={saving}
          onChange={(e) => void choose(e.target.value as GroupMembershipClaims)}
        >
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        <p className="hint">
          <code>groupMembershipClaims</code>: the ID token's <code>groups</code> claim lists the person's groups by object id, nested groups
          included, for apps that grant access by group. Over 200 groups the token says <code>hasgroups</code> instead.
        </p>
      </div>
    </section>
  );
}
