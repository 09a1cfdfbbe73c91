import { useEffect } from 'react';
import { useAuth } from '../auth/AuthContext.tsx';
import { isExpired } from '../auth/session.ts';
import { match, navigate, Redirect } from '../router.tsx';
import { Shell } from './Shell.tsx';
import { TokenSignIn } from './TokenSignIn.tsx';
import { UsersPage } from './users/UsersPage.tsx';
import { GroupsPage } from './groups/GroupsPage.tsx';
import { RolesPage } from './roles/RolesPage.tsx';
import { AuditPage } from './audit/AuditPage.tsx';
import { TokensPage } from './tokens/TokensPage.tsx';
import { PoliciesPage } from './policies/PoliciesPage.tsx';
import { SignInsPage } from './signins/SignInsPage.tsx';
import { MethodsPage } from './methods/MethodsPage.tsx';
import { AppsPage } from './apps/AppsPage.tsx';

/** The navigation sections of the Control Center, in order. */
export const SECTIONS = [
  { id: 'users', label: 'Users', href: '/admin/users' },
  { id: 'groups', label: 'Groups', href: '/admin/groups' },
  { id: 'roles', label: 'Roles', href: '/admin/roles' },
  { id: 'audit', label: 'Audit', href: '/admin/audit' },
  { id: 'signins', label: 'Sign-in logs', href: '/admin/signins' },
  { id: 'tokens', label: 'Hardware tokens', href: '/admin/tokens' },
  { id: 'policies', label: 'Conditional Access', href: '/admin/policies' },
  { id: 'methods', label: 'Authentication methods', href: '/admin/methods' },
  { id: 'apps', label: 'Applications', href: '/admin/apps' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

/** /admin/*: the sign-in page when signed out, else the shell with the page the path names. */
export function ControlCenter({ path }: { path: string }) {
  const { token, identity, signOut } = useAuth();
  const expired = identity !== null && isExpired(identity);
  useEffect(() => {
    if (expired) signOut('Your token has expired. Sign in again with a new one.');
  }, [expired, signOut]);

  if (path === '/admin/signin' || path === '/admin/signin/') {
    if (token && !expired) return <Redirect to={nextFromQuery()} />;
    return <TokenSignIn onSignedIn={() => navigate(nextFromQuery(), { replace: true })} />;
  }
  if (!token || expired) return <Redirect to={`/admin/signin?next=${encodeURIComponent(path + location.search)}`} />;

  const section = SECTIONS.find((s) => path === s.href || path.startsWith(`${s.href}/`));
  if (!section) return <Redirect to="/admin/users" />;
  const id = match(`${section.href}/:id`, path)?.id ?? null;
  return (
    <Shell section={section.id} title={section.label}>
      {section.id === 'users' ? <UsersPage selectedId={id} /> : null}
      {section.id === 'groups' ? <GroupsPage selectedId={id} /> : null}
      {section.id === 'roles' ? <RolesPage selectedId={id} /> : null}
      {section.id === 'audit' ? <AuditPage selectedId={id} /> : null}
      {section.id === 'tokens' ? <TokensPage /> : null}
      {section.id === 'signins' ? <SignInsPage /> : null}
      {section.id === 'policies' ? <PoliciesPage selectedId={id} /> : null}
      {section.id === 'methods' ? <MethodsPage selectedId={id} /> : null}
      {section.id === 'apps' ? <AppsPage selectedId={id} /> : null}
    </Shell>
  );
}

/** Where to go after signing in: `?next=` when it stays inside /admin, else Users. */
function nextFromQuery(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/admin/') && !next.startsWith('/admin/signin') ? next : '/admin/users';
}
