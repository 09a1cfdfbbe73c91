import { useState, type FormEvent, type ReactNode } from 'react';
import { call, type FlowView } from './api.ts';

/**
 * The Temporary Access Pass step (issue 4 item 6): shown when the server offered `tap` for the
 * entered name (only users with a usable pass get it, as in Entra). The pass is typed or pasted;
 * spaces are ignored. A one-time pass then leads to the passkey registration step.
 */
export function TapStep({
  uid,
  busy,
  account,
  run,
  onPasskey,
}: {
  uid: string;
  busy: boolean;
  account: ReactNode;
  run: (fn: () => Promise<FlowView | null>) => Promise<void>;
  onPasskey: () => void;
}) {
  const [pass, setPass] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      try {
        return await call(uid, 'tap', { pass: pass.replace(/\s+/g, '') });
      } finally {
        setPass('');
      }
    });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="signin-tap-title">
      {account}
      <h1 className="page-title" id="signin-tap-title">
        Enter Temporary Access Pass
      </h1>
      <p>Your administrator gave you a Temporary Access Pass to sign in and set up your passkey.</p>
      <div className="form-row">
        <label htmlFor="signin-tap" className="label">
          Temporary Access Pass
        </label>
        <input
          id="signin-tap"
          className="input signin-tap-input"
          type="text"
          inputMode="text"
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          required
          value={pass}
          onChange={(e) => setPass(e.target.value)}
        />
      </div>
      <div className="signin-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !pass.trim()}>
          Sign in
        </button>
      </div>
      <button type="button" className="btn btn-link" disabled={busy} onClick={onPasskey}>
        Use a passkey instead
      </button>
    </form>
  );
}
