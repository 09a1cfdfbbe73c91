import type { RequestContext } from '../auth/principal.ts';

/**
 * Graph `signIn.clientAppUsed` values Latchkey can produce. Entra's other two, "Exchange
 * ActiveSync" and "Other clients" (legacy authentication protocols), do not exist here: every
 * Latchkey sign-in is an OpenID Connect interaction on the sign-in page.
 */
export type ClientAppUsed = 'Browser' | 'Mobile Apps and Desktop clients';

/** The matching Conditional Access `clientAppTypes` value (entra-spec §1.4). */
export const CLIENT_APP_TYPE: Record<ClientAppUsed, 'browser' | 'mobileAppsAndDesktopClients'> = {
  Browser: 'browser',
  'Mobile Apps and Desktop clients': 'mobileAppsAndDesktopClients',
};

/**
 * User agents of apps that sign in through an embedded web view or a native HTTP stack rather
 * than a browser: Android WebView (`; wv)`), Electron desktop apps, Microsoft's auth libraries
 * (MSAL/ADAL), and native HTTP stacks (okhttp, CFNetwork, Dalvik). An iOS WKWebView is
 * recognised separately: Mobile Safari's tokens without `Safari/`.
 */
const NATIVE_UA = /; wv\)|\bElectron\/|\bMSAL\b|\bADAL\b|\bokhttp\/|\bCFNetwork\/|\bDalvik\//i;
const IOS_WEBVIEW = (ua: string) => /\b(iPhone|iPad|iPod)\b/.test(ua) && /AppleWebKit\//.test(ua) && !/Safari\//.test(ua);

/**
 * `clientAppUsed` of a sign-in (Graph `signIn`): "Mobile Apps and Desktop clients" when the OIDC
 * client is a native application (`application_type: native`, OIDC Dynamic Client Registration
 * §2) or the user agent is an app's embedded web view or native HTTP stack; "Browser" otherwise.
 * Today every Latchkey client is `web` (the first-party apps and registered web apps), so the
 * user agent decides; an unknown or missing user agent counts as a browser (the sign-in page
 * is a web page).
 */
export function clientAppUsedOf(userAgent: string | null | undefined, applicationType: 'web' | 'native' = 'web'): ClientAppUsed {
  if (applicationType === 'native') return 'Mobile Apps and Desktop clients';
  const ua = userAgent ?? '';
  return NATIVE_UA.test(ua) || IOS_WEBVIEW(ua) ? 'Mobile Apps and Desktop clients' : 'Browser';
}

/** The sign-in routes' request context: who acts (the sign-in service) plus the browser's User-Agent. */
export type SignInContext = RequestContext & { userAgent?: string | undefined };

/** The User-Agent a sign-in request context carries, if any. */
export function userAgentOf(ctx: RequestContext): string | undefined {
  return (ctx as SignInContext).userAgent;
}
