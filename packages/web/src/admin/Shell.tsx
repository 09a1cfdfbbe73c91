import { useEffect, type ReactNode } from 'react';
import { useAuth } from '../auth/AuthContext.tsx';
import { Logo } from '../components/Logo.tsx';
import { Link } from '../router.tsx';
import { SECTIONS, type SectionId } from './ControlCenter.tsx';
import { SectionIcon } from './icons.tsx';

/** The Control Center frame: left navigation, a header with the signed-in identity, the page. */
export function Shell({ section, title, children }: { section: SectionId; title: string; children: ReactNode }) {
  const { identity, signOut } = useAuth();
  useEffect(() => {
    document.title = `${title} · Latchkey Control Center`;
  }, [title]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-brand">
          <Logo subtitle="Control Center" stacked />
        </div>
        <nav aria-label="Control Center">
          <ul className="nav-list">
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <Link href={s.href} className="nav-link" aria-current={s.id === section ? 'page' : undefined}>
                  <SectionIcon id={s.id} />
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <p className="sidebar-foot">
          Graph-shaped API at <code>/api/v1</code>
        </p>
      </aside>
      <div className="shell-main">
        <header className="topbar">
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <span>Control Center</span>
            <span aria-hidden="true" className="breadcrumb-sep">
              /
            </span>
            <span aria-current="page">{title}</span>
          </nav>
          <div className="topbar-user">
            <span className="avatar" aria-hidden="true">
              {initials(identity?.name ?? 'A')}
            </span>
            <span className="identity">
              <span className="identity-name" data-testid="identity">
                {identity?.name ?? 'Administrator'}
              </span>
              {identity?.detail || identity?.expiresAt ? (
                <span className="identity-detail">
                  {identity.detail}
                  {identity.detail && identity.expiresAt ? ' · ' : ''}
                  {identity.expiresAt ? `token expires ${identity.expiresAt.toLocaleTimeString()}` : ''}
                </span>
              ) : null}
            </span>
            <button type="button" className="btn btn-secondary btn-small" onClick={() => signOut('You signed out.')}>
              Sign out
            </button>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

function initials(name: string): string {
  const words = name
    .replace(/@.*/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  return ((words[0]?.[0] ?? 'A') + (words[1]?.[0] ?? '')).toUpperCase();
}
