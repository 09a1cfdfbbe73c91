import { useState, type FormEvent } from 'react';
import type { MyMethod } from './api.ts';

/** One passkey in My Security Info, with rename and delete. */
export function MethodItem({ method, busy, onRename, onDelete }: { method: MyMethod; busy: boolean; onRename(name: string): Promise<void>; onDelete(): Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(method.displayName ?? '');
  const save = (e: FormEvent) => {
    e.preventDefault();
    void onRename(name.trim()).then(() => setEditing(false));
  };
  const kind = method.passkeyType === 'synced' ? 'Synced passkey' : 'Device-bound passkey';
  const when = (iso?: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');
  return (
    <li className="my-method" aria-label={method.displayName}>
      {editing ? (
        <form className="my-rename" onSubmit={save}>
          <label className="sr-only" htmlFor={`rename-${method.id}`}>
            New name
          </label>
          <input id={`rename-${method.id}`} className="input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} autoFocus />
          <button type="submit" className="btn btn-primary btn-small" disabled={busy || !name.trim()}>
            Save
          </button>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div>
          <div className="my-method-name">{method.displayName}</div>
          <div className="my-method-meta">
            {kind}
            {method.model ? ` · ${method.model}` : ''} · added {when(method.createdDateTime)} · last used {when(method.lastUsedDateTime)}
          </div>
        </div>
      )}
      {editing ? null : (
        <div className="my-method-actions">
          <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={() => setEditing(true)} aria-label={`Rename ${method.displayName}`}>
            Rename
          </button>
          <button type="button" className="btn btn-danger-outline btn-small" disabled={busy} onClick={() => void onDelete()} aria-label={`Delete ${method.displayName}`}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
