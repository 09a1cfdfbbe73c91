import { AuthProvider } from './auth/AuthContext.tsx';
import { ControlCenter } from './admin/ControlCenter.tsx';
import { SignInPlaceholder, NotFound } from './pages/Placeholders.tsx';
import { SignInPage } from './signin/SignInPage.tsx';
import { MyPage } from './my/MyPage.tsx';
import { ConsoleCallback } from './my/ConsoleCallback.tsx';
import { Redirect, usePath } from './router.tsx';

/** Top-level routing by audience: /admin (Control Center), /my (My Security Info), /signin. */
export function App() {
  const path = usePath();
  if (path === '/' || path === '') return <Redirect to="/admin" />;
  if (path === '/admin/callback') return <ConsoleCallback />;
  if (under(path, '/admin'))
    return (
      <AuthProvider>
        <ControlCenter path={path} />
      </AuthProvider>
    );
  if (under(path, '/my')) return <MyPage path={path} />;
  const signin = /^\/signin\/([A-Za-z0-9_-]{10,64})$/.exec(path);
  if (signin?.[1]) return <SignInPage uid={signin[1]} />;
  if (under(path, '/signin')) return <SignInPlaceholder />;
  return <NotFound />;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
