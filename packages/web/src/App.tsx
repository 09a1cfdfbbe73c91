import { AuthProvider } from './auth/AuthContext.tsx';
import { ControlCenter } from './admin/ControlCenter.tsx';
import { MyPlaceholder, SignInPlaceholder, NotFound } from './pages/Placeholders.tsx';
import { Redirect, usePath } from './router.tsx';

/** Top-level routing by audience: /admin (Control Center), /my (My Security Info), /signin. */
export function App() {
  const path = usePath();
  if (path === '/' || path === '') return <Redirect to="/admin" />;
  if (under(path, '/admin'))
    return (
      <AuthProvider>
        <ControlCenter path={path} />
      </AuthProvider>
    );
  if (under(path, '/my')) return <MyPlaceholder />;
  if (under(path, '/signin')) return <SignInPlaceholder />;
  return <NotFound />;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
