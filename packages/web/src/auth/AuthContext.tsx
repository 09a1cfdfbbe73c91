import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from '../api/client.ts';
import { clearToken, identityOf, loadToken, saveToken, type Identity } from './session.ts';

interface AuthState {
  token: string | null;
  identity: Identity | null;
  /** Why the user was sent back to sign-in (expired token, 401), shown on the sign-in page. */
  notice: string | null;
  api: ApiClient;
  signIn(token: string): void;
  signOut(notice?: string): void;
}

const AuthContext = createContext<AuthState | null>(null);

/** Holds the admin token and one API client; any 401 signs out with a message. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => loadToken());
  const [notice, setNotice] = useState<string | null>(null);
  const tokenRef = useRef(token);
  tokenRef.current = token;

  const signOut = useCallback((message?: string) => {
    clearToken();
    tokenRef.current = null;
    setToken(null);
    setNotice(message ?? null);
  }, []);

  const signIn = useCallback((value: string) => {
    saveToken(value);
    tokenRef.current = value;
    setToken(value);
    setNotice(null);
  }, []);

  const api = useMemo(
    () =>
      createApiClient({
        getToken: () => tokenRef.current,
        onUnauthorized: (e) => {
          if (tokenRef.current) signOut(`Your session ended (${e.code}: ${e.message}). Sign in again with a new token.`);
        },
      }),
    [signOut],
  );

  const value = useMemo<AuthState>(
    () => ({ token, identity: token ? identityOf(token) : null, notice, api, signIn, signOut }),
    [token, notice, api, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside <AuthProvider>');
  return ctx;
}

/** The API client of the signed-in session. */
export function useApi(): ApiClient {
  return useAuth().api;
}
