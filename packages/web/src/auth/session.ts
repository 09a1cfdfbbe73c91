/**
 * The admin session, for now: a bearer token from `npx latchkey admin token`, kept in
 * sessionStorage (gone when the tab closes; never in localStorage or a cookie). The interactive
 * passkey sign-in replaces this in a later issue.
 */
const KEY = 'latchkey.admin.token';

/** Who the token speaks for, read from its claims when it is a JWT (display only, never trusted). */
export interface Identity {
  name: string;
  detail: string | null;
  expiresAt: Date | null;
}

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Accepts a pasted token with or without a `Bearer ` prefix and surrounding whitespace. */
export function normaliseToken(input: string): string {
  return input
    .trim()
    .replace(/^bearer\s+/i, '')
    .trim();
}

/** True when the claims say the token has expired (tokens without `exp` are left to the server). */
export function isExpired(identity: Identity, now = Date.now()): boolean {
  return identity.expiresAt !== null && identity.expiresAt.getTime() <= now;
}

/** Identity from the JWT payload (`name`, `preferred_username`/`upn`, `exp`); a generic one otherwise. */
export function identityOf(token: string): Identity {
  const claims = decodeClaims(token);
  if (!claims) return { name: 'Administrator', detail: 'bearer token', expiresAt: null };
  const str = (k: string): string | null => (typeof claims[k] === 'string' && claims[k] ? (claims[k] as string) : null);
  const upn = str('preferred_username') ?? str('upn') ?? str('email');
  const name = str('name') ?? upn ?? str('client_id') ?? str('sub') ?? 'Administrator';
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null;
  return { name, detail: upn && upn !== name ? upn : null, expiresAt: exp };
}

function decodeClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const b64 = parts[1].replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
