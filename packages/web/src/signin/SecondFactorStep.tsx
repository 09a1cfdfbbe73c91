import { useState, type FormEvent, type ReactNode } from 'react';
import { call, type FlowView } from './api.ts';

/**
 * The second-factor step (issue 4 item 4, issue 5): Conditional Access or per-user MFA needs more
 * than the first method gave. Shows why (the server's plain words) and the methods that would
 * satisfy it: a code from a hardware token or authenticator app, a passkey, a Temporary Access Pass.
 */
export function SecondFactorStep({
  uid,
  flow,
  busy,
  account,
  run,
  onPasskey,
  onTap,
}: {
  uid: string;
  flow: FlowView;
  busy: boolean;
  account: ReactNode;
  run: (fn: () => Promise<FlowView | null>) => Promise<void>;
  onPasskey: () => void;
  onTap: () => void;
}) {
  const [code, setCode] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      try {
        return await call(uid, 'oath', { code: code.replace(/\s+/g, '') });
      } finally {
        setCode('');
      }
    });
  };
  const hasOath = flow.methods.includes('oath');
  return (
    <section aria-labelledby="signin-second-title">
      {account}
      <h1 className="page-title" id="signin-second-title">
        Verify your identity
      </h1>
      {flow.reason ? <p data-testid="signin-second-reason">{flow.reason}</p> : null}
      {hasOath ? (
        <form onSubmit={submit} noValidate>
          <div className="form-row">
            <label htmlFor="signin-oath" className="label">
              Code from your token or authenticator app
            </label>
            <input
              id="signin-oath"
              className="input"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={10}
              autoFocus
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <div className="signin-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || code.replace(/\s+/g, '').length < 6}>
              Verify
            </button>
          </div>
        </form>
      ) : null}
      {flow.methods.includes('passkey') ? (
        <button type="button" className={hasOath ? 'btn btn-link' : 'btn btn-primary'} disabled={busy} onClick={onPasskey}>
          {hasOath ? 'Use a passkey instead' : 'Continue with passkey'}
        </button>
      ) : null}
      {flow.methods.includes('tap') ? (
        <button type="button" className="btn btn-link" disabled={busy} onClick={onTap}>
          Use a Temporary Access Pass
        </button>
      ) : null}
    </section>
  );
}
