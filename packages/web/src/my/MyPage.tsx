import { useCallback, useEffect, useState } from 'react';
import { startRegistration } from '@simplewebauthn/browser';
import { Logo } from '../components/Logo.tsx';
import { navigate } from '../router.tsx';
import { describeBrowserError } from '../signin/messages.ts';
import { beginSignIn, completeSignIn, currentSession, signOut, type OidcClient, type Session } from './oidc.ts';
import { meApi, needsReauth, type MyMethod } from './api.ts';
import { MethodItem } from './MethodItem.tsx';
import { OathSection } from './oath/OathSection.tsx';
import { SignOutEverywhere } from './SignOutEverywhere.tsx';

export const MY_CLIENT: OidcClient = { clientId: 'latchkey-my', base: '/my' };

/**
 * My Security Info (`/my`): signs in through Latchkey's OIDC provider (`latchkey-my`), lists
 * my methods, adds a passkey, renames and deletes. Also `/my/callback` (the OIDC redirect).
 */
export function MyPage({ path }: { path: string }) {
  const [session, setSession] = useState<Session | null>(() => currentSession(MY_CLIENT));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'My Security Info · Latchkey';
    if (path === '/my/callback') {
      completeSignIn(MY_CLIENT, new URL(location.href)).then(
        (to) => {
          setSession(currentSession(MY_CLIENT));
          navigate(to, { replace: true });
        },
        (e: unknown) => {
          setError(e instanceof Error ? e.message : String(e));
          navigate('/my', { replace: true });
        },
      );
    }
  }, [path]);

  return (
    <div className="centered-page">
      <main className="card my-page">
        <div className="my-header">
          <Logo subtitle="My Security Info" />
          {session ? (
            <div>
              <span data-testid="my-identity">{String(session.claims.preferred_username ?? session.claims.name ?? '')}</span>{' '}
              <button type="button" className="btn btn-secondary btn-small" onClick={() => signOut(MY_CLIENT)}>
                Sign out
              </button>
            </div>
          ) : null}
        </div>
        {error ? (
          <div className="alert alert-error" role="alert">
            <p className="alert-message">{error}</p>
          </div>
        ) : null}
        {path === '/my/callback' ? <p role="status">Signing you in…</p> : session ? <Methods session={session} /> : <SignedOut />}
      </main>
    </div>
  );
}

function SignedOut() {
  return (
    <section>
      <h1 className="page-title">Security info</h1>
      <p>Sign in to see and manage the ways you sign in: passkeys on this device, on your phone or on a security key.</p>
      <button type="button" className="btn btn-primary" onClick={() => void beginSignIn(MY_CLIENT)}>
        Sign in
      </button>
    </section>
  );
}

function Methods({ session }: { session: Session }) {
  const api = meApi(session.accessToken);
  const [methods, setMethods] = useState<MyMethod[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reauth, setReauth] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => api.methods().then(setMethods, (e: unknown) => setError(e instanceof Error ? e.message : String(e))), [session.accessToken]);
  useEffect(() => void reload(), [reload]);

  const guarded = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    setReauth(false);
    try {
      await fn();
      await reload();
    } catch (e) {
      if (needsReauth(e)) setReauth(true);
      else if ((e as { name?: string })?.name === 'InvalidStateError') setError('This device already has a passkey for your account. Use another device or security key to add one more.');
      else setError(e instanceof Error && e.name !== 'NotAllowedError' ? e.message : (describeBrowserError(e) ?? null));
    } finally {
      setBusy(false);
    }
  };

  const add = () =>
    guarded(async () => {
      const { publicKey } = await api.creationOptions();
      const credential = await startRegistration({ optionsJSON: publicKey as never });
      const created = await api.addPasskey(`Passkey ${new Date().toLocaleDateString()}`, credential);
      setNotice(`Added “${created.displayName}”.`);
    });

  useEffect(() => {
    if (new URLSearchParams(location.search).get('next') === 'add') {
      history.replaceState(null, '', '/my');
      void add();
    }
  }, []);

  const passkeys = methods?.filter((m) => m['@odata.type'].endsWith('fido2AuthenticationMethod')) ?? [];
  const password = methods?.some((m) => m['@odata.type'].endsWith('passwordAuthenticationMethod')) ?? false;
  return (
    <section aria-labelledby="my-title">
      <h1 className="page-title" id="my-title">
        Security info
      </h1>
      <p>These are the methods you use to sign in.</p>
      {reauth ? (
        <div className="alert alert-info" role="alert">
          <div>
            <p className="alert-message">For your security, sign in again before changing your sign-in methods.</p>
            <button type="button" className="btn btn-primary btn-small" onClick={() => void beginSignIn(MY_CLIENT, { reauth: true, returnTo: '/my?next=add' })}>
              Sign in again
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <div className="alert alert-error" role="alert">
          <p className="alert-message">{error}</p>
        </div>
      ) : null}
      {notice ? (
        <div className="alert alert-success" role="status">
          <p className="alert-message">{notice}</p>
        </div>
      ) : null}
      {methods === null ? <p className="muted">Loading…</p> : null}
      <ul className="my-methods" aria-label="Sign-in methods">
        {password ? (
          <li className="my-method">
            <div>
              <div className="my-method-name">Password</div>
              <div className="my-method-meta">Legacy method</div>
            </div>
          </li>
        ) : null}
        {passkeys.map((m) => (
          <MethodItem key={m.id} method={m} busy={busy} onRename={(name) => guarded(async () => void (await api.rename(m.id, name)))} onDelete={() => guarded(async () => api.remove(m.id))} />
        ))}
      </ul>
      {methods && passkeys.length === 0 ? <p>You have no passkey yet. Add one to sign in without a password.</p> : null}
      <OathSection token={session.accessToken} onReauth={() => void beginSignIn(MY_CLIENT, { reauth: true, returnTo: '/my' })} />
      <SignOutEverywhere token={session.accessToken} onDone={() => signOut(MY_CLIENT)} />
      <div className="signin-actions">
        <a className="btn btn-link" href="/admin">
          Control Center
        </a>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void add()}>
          Add a passkey
        </button>
      </div>
    </section>
  );
}
