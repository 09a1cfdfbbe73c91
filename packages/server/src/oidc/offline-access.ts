/**
 * Entra answers an app that asks for `offline_access` with a refresh token, without a consent
 * screen: the administrator consented for the organisation when the app was registered.
 * oidc-provider follows OpenID Connect Core §11 instead and drops `offline_access` from any
 * request without `prompt=consent` (lib/actions/authorization/scopes.js), so an app written for
 * Entra (MSAL sends `scope=openid profile offline_access` and no `prompt`) would get no refresh
 * token and sign the user in again every hour.
 *
 * Latchkey's consent is likewise the administrator's: the sign-in page answers a consent prompt
 * itself and never shows it (docs/signin.md). So a code request for `offline_access` gets
 * `consent` added to its `prompt` before the provider reads it (`prompt=consent`, or
 * `login consent`, `select_account consent`). The user sees nothing new; the browser makes one
 * more automatic hop through the sign-in page. `prompt=none` (a silent renewal: `none` must stand
 * alone, OpenID Connect Core §3.1.2.1), a request object (`request`, `request_uri`: the prompt may
 * be inside it) and a POSTed authorization request are passed on as they came.
 *
 * Returns the rewritten path and query, or undefined to leave the request alone.
 */
export function withOfflineConsent(url: string, authorizationPath: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0 || url.slice(0, q) !== authorizationPath) return undefined;
  const params = new URLSearchParams(url.slice(q + 1));
  if (params.has('request') || params.has('request_uri')) return undefined;
  if (!(params.get('scope') ?? '').split(' ').includes('offline_access')) return undefined;
  if (!(params.get('response_type') ?? '').split(' ').includes('code')) return undefined;
  const prompts = params.getAll('prompt');
  if (prompts.length > 1) return undefined; // a duplicated parameter: the provider refuses it as it came
  const asked = (prompts[0] ?? '').split(' ').filter(Boolean);
  if (asked.includes('none') || asked.includes('consent')) return undefined;
  params.set('prompt', [...asked, 'consent'].join(' '));
  return `${authorizationPath}?${params}`;
}
