import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { browserSupportsWebAuthnAutofill, startAuthentication } from '@simplewebauthn/browser';
import { Logo } from '../components/Logo.tsx';
import { call, SignInFailure, type FlowView } from './api.ts';
import { describeBrowserError, describeFailure } from './messages.ts';
import { TapStep } from './TapStep.tsx';
import { RegistrationStep } from './RegistrationStep.tsx';
import { SecondFactorStep } from './SecondFactorStep.tsx';

/**
 * The sign-in page of an oidc-provider interaction (`/signin/{uid}`): username-first with a
 * passkey or a password, or usernameless with a passkey (the button, or the browser's
 * passkey autofill on the username field). The server's flow state decides the step.
 */
export function SignInPage({ uid }: { uid: string }) {
  const [flow, setFlow] = useState<FlowView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [returning, setReturning] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const autofillStarted = useRef(false);
  const startPosted = useRef(false); // StrictMode runs effects twice: post `start` once (a consent prompt must be answered once)

  useEffect(() => {
    document.title = 'Sign in · Latchkey';
  }, []);

  const apply = useCallback((view: FlowView) => {
    if (view.redirectTo) {
      // A finished sign-in, or "Return to the app" from one that ended (the app then gets an OAuth error).
      if (view.state === 'failed' || view.state === 'expired') setReturning(true);
      else setFlow({ ...view, state: 'complete' });
      window.location.assign(view.redirectTo);
      return;
    }
    setFlow(view);
  }, []);

  const run = useCallback(
    async (fn: () => Promise<FlowView | null>) => {
      setBusy(true);
      setError(null);
      try {
        const view = await fn();
        if (view) apply(view);
      } catch (e) {
        if (e instanceof SignInFailure) {
          setError(describeFailure(e));
          // Conditional Access refused the sign-in: the flow has ended (server state `failed`), so no form invites another try.
          // (Also at the first step: a step-up inside the session can be blocked before anything is shown.)
          if (e.reason === 'accessBlocked') setFlow((f) => ({ ...(f ?? { methods: [], username: null, failures: 0 }), state: 'failed' }));
        }
        else {
          const m = describeBrowserError(e);
          if (m) setError(m);
        }
      } finally {
        setBusy(false);
      }
    },
    [apply],
  );

  /** A passkey ceremony: options (usernameless or username-first) → browser → verify. */
  const passkey = useCallback(
    () =>
      run(async () => {
        const o = await call(uid, 'passkey/options');
        setFlow(o);
        const response = await startAuthentication({ optionsJSON: o.options as never });
        return call(uid, 'passkey/verify', { response });
      }),
    [run, uid],
  );

  /** The autofill request waits in the background (not busy) until the person picks a passkey. */
  const autofill = useCallback(async () => {
    try {
      const o = await call(uid, 'passkey/options');
      const response = await startAuthentication({ optionsJSON: o.options as never, useBrowserAutofill: true });
      await run(() => call(uid, 'passkey/verify', { response }));
    } catch (e) {
      const m = e instanceof SignInFailure ? describeFailure(e) : describeBrowserError(e);
      if (m && !(e as { name?: string })?.name?.includes('NotAllowed')) setError(m);
    }
  }, [run, uid]);

  useEffect(() => {
    if (startPosted.current) return;
    startPosted.current = true;
    void run(async () => {
      const view = await call(uid, 'start');
      if (view.loginHint && view.state === 'identify') {
        // The app named the account (login_hint): go straight to its methods, no autofill.
        autofillStarted.current = true;
        setUsername(view.loginHint);
        return call(uid, 'identify', { username: view.loginHint });
      }
      return view;
    });
  }, [run, uid]);

  // Conditional UI (WebAuthn L3 §5.1.4.1): offer passkeys in the username field's autofill.
  useEffect(() => {
    if (flow?.state !== 'identify' || autofillStarted.current) return;
    autofillStarted.current = true;
    void browserSupportsWebAuthnAutofill().then((ok) => {
      if (ok) void autofill();
    });
  }, [flow?.state, autofill]);

  const submitName = (e: FormEvent) => {
    e.preventDefault();
    void run(() => call(uid, 'identify', { username }));
  };
  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      try {
        return await call(uid, 'password', { password });
      } finally {
        setPassword('');
      }
    });
  };
  const restart = () => {
    autofillStarted.current = false;
    void run(() => call(uid, 'restart'));
  };

  return (
    <div className="centered-page">
      <main className="card card-narrow signin" aria-busy={busy}>
        <Logo />
        {error ? (
          <div className="alert alert-error" role="alert">
            <p className="alert-message">{error}</p>
          </div>
        ) : null}
        {!flow ? <p className="muted">Loading…</p> : null}
        {flow?.state === 'identify' ? (
          <form onSubmit={submitName} noValidate>
            <h1 className="page-title">Sign in</h1>
            <div className="form-row">
              <label htmlFor="signin-username" className="label">
                Username
              </label>
              <input id="signin-username" className="input" name="username" type="text" autoComplete="username webauthn" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} placeholder="name@example.com" />
            </div>
            <div className="signin-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || !username.trim()}>
                Next
              </button>
            </div>
            <div className="signin-divider" role="separator">
              <span>or</span>
            </div>
            <button type="button" className="btn btn-secondary signin-wide" disabled={busy} onClick={() => void passkey()}>
              Sign in with a passkey
            </button>
          </form>
        ) : null}
        {flow && (flow.state === 'chooseMethod' || flow.state === 'verifyPasskey') ? (
          <section aria-labelledby="signin-passkey-title">
            <Account name={flow.username} onBack={restart} />
            <h1 className="page-title" id="signin-passkey-title">
              Use your passkey
            </h1>
            <p>Your browser will ask you to unlock your passkey with your fingerprint, face, PIN or security key.</p>
            <div className="signin-actions">
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void passkey()}>
                Continue with passkey
              </button>
            </div>
            {flow.methods.includes('password') ? (
              <button type="button" className="btn btn-link" disabled={busy} onClick={() => setFlow({ ...flow, state: 'verifyPassword' })}>
                Use my password instead
              </button>
            ) : null}
            {flow.methods.includes('tap') ? (
              <button type="button" className="btn btn-link" disabled={busy} onClick={() => setFlow({ ...flow, state: 'verifyTap' })}>
                Use a Temporary Access Pass
              </button>
            ) : null}
          </section>
        ) : null}
        {flow?.state === 'verifyPassword' ? (
          <form onSubmit={submitPassword} noValidate>
            <Account name={flow.username} onBack={restart} />
            <h1 className="page-title">Enter password</h1>
            <div className="form-row">
              <label htmlFor="signin-password" className="label">
                Password
              </label>
              <input id="signin-password" className="input" type="password" autoComplete="current-password" autoFocus required value={password} onChange={(e) => setPassword(e.target.value)} />
            </div>
            <div className="signin-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || !password}>
                Sign in
              </button>
            </div>
            <button type="button" className="btn btn-link" disabled={busy} onClick={() => void passkey()}>
              Use a passkey instead
            </button>
          </form>
        ) : null}
        {flow?.state === 'verifyTap' ? <TapStep uid={uid} busy={busy} run={run} account={<Account name={flow.username} onBack={restart} />} onPasskey={() => void passkey()} /> : null}
        {flow && (flow.state === 'registrationRequired' || flow.state === 'registrationCampaign') ? <RegistrationStep uid={uid} flow={flow} busy={busy} run={run} /> : null}
        {flow && (flow.state === 'chooseSecondFactor' || flow.state === 'verifyOath') ? <SecondFactorStep uid={uid} flow={flow} busy={busy} run={run} account={<Account name={flow.username} onBack={restart} />} onPasskey={() => void passkey()} onTap={() => setFlow({ ...flow, state: 'verifyTap' })} /> : null}
        {flow?.state === 'complete' ? <p role="status">Signed in. Taking you back…</p> : null}
        {flow && (flow.state === 'failed' || flow.state === 'expired') ? (
          <section>
            <p>This sign-in has ended. You can go back to the app and try again.</p>
            <div className="signin-actions">
              {/* The app hears why (an OAuth error: access_denied or unmet_authentication_requirements) instead of waiting. */}
              <button type="button" className="btn btn-primary" disabled={busy || returning} onClick={() => void run(() => call(uid, 'return'))}>
                Return to the app
              </button>
            </div>
            {returning ? <p role="status">Taking you back to the app…</p> : null}
          </section>
        ) : null}
      </main>
    </div>
  );
}

function Account({ name, onBack }: { name: string | null; onBack(): void }) {
  return (
    <p className="signin-account">
      <span data-testid="signin-account">{name}</span>
      <button type="button" className="btn btn-link" onClick={onBack}>
        Use another account
      </button>
    </p>
  );
}
