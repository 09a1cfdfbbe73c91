/** The parameter that marks a silent request for offline_access (`withOfflineConsent`); an oidc-provider `extraParam`. */
export const SILENT_PARAM = 'latchkey_silent';

/** The error a silent request gets when the sign-in would need the user (OpenID Connect Core §3.1.2.6). */
export function silentRefusal(prompt: string): { error: string; error_description: string } {
  return prompt === 'login'
    ? { error: 'login_required', error_description: 'The user must sign in (prompt=none).' }
    : { error: 'interaction_required', error_description: `The sign-in needs the user (${prompt}) and the request said prompt=none.` };
}

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
 * more automatic hop through the sign-in page.
 *
 * A silent request (`prompt=none`, which must stand alone: OpenID Connect Core §3.1.2.1) cannot
 * take `consent` beside it. It becomes `prompt=consent` with `latchkey_silent=1` (`SILENT_PARAM`),
 * and its interaction goes to `/signin/{uid}/silent` (oidc/provider.ts), which keeps the promise
 * `none` makes with redirects only, no page: it grants the consent prompt as the sign-in page
 * would, and answers any other prompt (no session, a revoked one, a step-up) with
 * `login_required` or `interaction_required` to the app (`silentRefusal`). Only redirects, so it
 * works in MSAL's hidden iframe, where `frame-ancestors 'none'` would block any Latchkey page.
 * That is how MSAL's silent renewal gets its refresh token, as from Entra.
 * A client that sends `latchkey_silent=1` itself gets what `prompt=none` gives it, nothing more.
 *
 * The same rule applies to the form body of a pushed authorization request (RFC 9126, `/oidc/par`:
 * `withOfflineConsentForm`), so an app that pushes its request gets what the same request in a
 * URL gets. A request object (`request`, `request_uri`: the prompt may be
 * inside it, signed) is passed on as it came.
 *
 * Returns the rewritten path and query, or undefined to leave the request alone.
 */
export function withOfflineConsent(url: string, authorizationPath: string): string | undefined {
  return onQuery(url, authorizationPath, offlineConsentParams);
}

/** The form body of a pushed authorization request, rewritten as `withOfflineConsent` does; undefined to leave it alone. */
export function withOfflineConsentForm(body: string): string | undefined {
  return offlineConsentParams(new URLSearchParams(body))?.toString();
}

/** The rule itself, on an authorization request's parameters: a copy with the prompt changed, or undefined. */
export function offlineConsentParams(params: URLSearchParams): URLSearchParams | undefined {
  if (params.has('request') || params.has('request_uri')) return undefined;
  if (!(params.get('scope') ?? '').split(' ').includes('offline_access')) return undefined;
  if (!(params.get('response_type') ?? '').split(' ').includes('code')) return undefined;
  const prompts = params.getAll('prompt');
  if (prompts.length > 1) return undefined; // a duplicated parameter: the provider refuses it as it came
  const asked = (prompts[0] ?? '').split(' ').filter(Boolean);
  if (asked.includes('consent')) return undefined;
  const out = new URLSearchParams(params);
  if (asked.includes('none')) {
    if (asked.length > 1) return undefined; // `none` with another value: the provider refuses it as it came
    out.set(SILENT_PARAM, '1');
    out.set('prompt', 'consent');
    return out;
  }
  out.set('prompt', [...asked, 'consent'].join(' '));
  return out;
}

/** `rule` on the query of a request to `path`: the rewritten path and query, or undefined (another path, no query, or the rule left it alone). */
export function onQuery(url: string, path: string, rule: (params: URLSearchParams) => URLSearchParams | undefined): string | undefined {
  const q = url.indexOf('?');
  if (q < 0 || url.slice(0, q) !== path) return undefined;
  const params = rule(new URLSearchParams(url.slice(q + 1)));
  return params && `${path}?${params}`;
}
