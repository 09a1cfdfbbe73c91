import { useEffect, type ReactNode } from 'react';
import { Logo } from '../components/Logo.tsx';

function Page({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Latchkey`;
  }, [title]);
  return (
    <div className="centered-page">
      <main className="card card-narrow">
        <Logo />
        <h1 className="page-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}

/** /my — the self-service portal arrives with the passkey issue. */
export function MyPlaceholder() {
  return (
    <Page title="My Security Info">
      <p>
        This is where you will manage your own sign-in methods: register and remove passkeys, pair the Latchkey phone authenticator, and see
        your recent sign-ins.
      </p>
      <p className="muted">Not available yet: it arrives together with passkey sign-in.</p>
    </Page>
  );
}

/** /signin — the interactive (passkey) sign-in pages arrive with the passkey issue. */
export function SignInPlaceholder() {
  return (
    <Page title="Sign in">
      <p>
        This is where people will sign in to Latchkey and to your organisation's apps with a passkey, a security key or a Temporary Access
        Pass.
      </p>
      <p className="muted">
        Not available yet. Administrators can open the <a href="/admin">Control Center</a> with a bearer token for now.
      </p>
    </Page>
  );
}

export function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is nothing at <code>{location.pathname}</code>. Go to the <a href="/admin">Control Center</a>.
      </p>
    </Page>
  );
}
