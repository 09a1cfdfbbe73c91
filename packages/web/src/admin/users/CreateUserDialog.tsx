import { useState, type FormEvent } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import type { NewUser, User } from '../../api/types.ts';
import { ErrorAlert } from '../../components/feedback.tsx';
import { FormDialogFooter, Modal } from '../../components/Modal.tsx';
import { TextField } from '../../components/TextField.tsx';

type FieldErrors = Partial<Record<'displayName' | 'userPrincipalName', string>>;

/**
 * "New user": POST /users. Only emptiness is checked here; every other rule (UPN syntax,
 * uniqueness, lengths) is the server's, and its `{"error":{"code","message"}}` is shown as is.
 */
export function CreateUserDialog({ onClose, onCreated }: { onClose(): void; onCreated(user: User): void }) {
  const api = useApi();
  const [displayName, setDisplayName] = useState('');
  const [upn, setUpn] = useState('');
  const [mail, setMail] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: FieldErrors = {};
    if (!displayName.trim()) errors.displayName = 'Enter a display name.';
    if (!upn.trim()) errors.userPrincipalName = 'Enter a user principal name, like alex@contoso.com.';
    setFieldErrors(errors);
    if (Object.keys(errors).length) return;
    const body: NewUser = {
      displayName: displayName.trim(),
      userPrincipalName: upn.trim(),
      accountEnabled: enabled,
      ...(mail.trim() ? { mail: mail.trim() } : {}),
    };
    setSaving(true);
    setError(null);
    try {
      onCreated(await directory.createUser(api, body));
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return (
    <Modal
      title="New user"
      subtitle="The user signs in with a passkey; there is no password to set."
      onClose={onClose}
      footer={<FormDialogFooter formId="create-user" saving={saving} label="Create user" savingLabel="Creating…" onCancel={onClose} />}
    >
      <form id="create-user" onSubmit={submit} noValidate>
        {error ? <ErrorAlert title="The user was not created" error={error} /> : null}
        <TextField
          label="Display name"
          value={displayName}
          onChange={setDisplayName}
          required
          autoFocus
          maxLength={256}
          error={fieldErrors.displayName ?? null}
        />
        <TextField
          label="User principal name"
          value={upn}
          onChange={setUpn}
          required
          autoComplete="off"
          spellCheck={false}
          hint="The sign-in name, alias@domain. Must be unique."
          error={fieldErrors.userPrincipalName ?? null}
        />
        <TextField label="Mail" type="email" value={mail} onChange={setMail} autoComplete="off" hint="Optional contact address." />
        <label className="checkbox">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Account enabled (the user may sign in)
        </label>
      </form>
    </Modal>
  );
}
