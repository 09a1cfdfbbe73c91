import { useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import type { User } from '../../api/types.ts';
import { ErrorAlert } from '../../components/feedback.tsx';
import { TextField } from '../../components/TextField.tsx';
import { userPatch } from './userPatch.ts';

/** Edits a user's properties with PATCH /users/{id}; the API's validation message is shown as is. */
export function EditUserForm({ user, onSaved, onCancel }: { user: User; onSaved(user: User): void; onCancel(): void }) {
  const api = useApi();
  const [draft, setDraft] = useState({
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail ?? '',
    jobTitle: user.jobTitle ?? '',
    department: user.department ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const set = (k: keyof typeof draft) => (v: string) => setDraft({ ...draft, [k]: v });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const patch = userPatch(user, draft);
    if (Object.keys(patch).length === 0) return onCancel();
    setSaving(true);
    setError(null);
    try {
      await directory.updateUser(api, user.id, patch);
      onSaved(await directory.getUser(api, user.id));
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Edit user">
      {error ? <ErrorAlert title="The changes were not saved" error={error} /> : null}
      <TextField label="Display name" value={draft.displayName} onChange={set('displayName')} required autoFocus maxLength={256} />
      <TextField
        label="User principal name"
        value={draft.userPrincipalName}
        onChange={set('userPrincipalName')}
        required
        spellCheck={false}
        autoComplete="off"
      />
      <TextField label="Mail" type="email" value={draft.mail} onChange={set('mail')} autoComplete="off" />
      <TextField label="Job title" value={draft.jobTitle} onChange={set('jobTitle')} maxLength={128} />
      <TextField label="Department" value={draft.department} onChange={set('department')} maxLength={64} />
      <div className="button-row">
        <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={saving}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving} aria-busy={saving}>
          {saving ? <span className="spinner-ring spinner-ring-small" aria-hidden="true" /> : null}
          {saving ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
