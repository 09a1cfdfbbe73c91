/**
 * `prompt=select_account` (OpenID Connect Core §3.1.2.1: "The Authorization Server SHOULD prompt
 * the End-User to select a user account"), which MSAL sends for "sign in with another account" and
 * Entra answers with its account picker. oidc-provider refuses the value (`invalid_request`,
 * "unsupported prompt value requested": its policy has no such prompt), so such an app could not
 * sign in at all.
 *
 * Latchkey holds one account per browser session, so the choice of account is the sign-in itself:
 * the request is answered as `prompt=login`, a fresh sign-in on the sign-in page, where the person
 * names the account or picks one of the browser's passkeys (the autofill list is the picker).
 * Signing in as someone else replaces the session's account (oidc-provider). Compared with Entra's
 * picker, continuing as the same person costs one passkey touch more; no session is reused
 * without the person. ADR 0024.
 *
 * Applied before the provider reads the request, to the query of a GET (a POST is first turned
 * into one, oidc/posted-request.ts) and to a pushed request's form, like the offline_access rule
 * (oidc/offline-access.ts), which runs after it (`select_account consent` becomes
 * `login consent`). A request object (`request`, `request_uri`: the prompt may be inside it,
 * signed) is passed on as it came, and the provider refuses `select_account` there.
 */
export function accountSelectionAsLogin(params: URLSearchParams): URLSearchParams | undefined {
  if (params.has('request') || params.has('request_uri')) return undefined;
  const prompts = params.getAll('prompt');
  if (prompts.length !== 1) return undefined; // none, or a duplicated parameter the provider refuses as it came
  const asked = prompts[0]!.split(' ').filter(Boolean);
  if (!asked.includes('select_account')) return undefined;
  if (asked.includes('none')) return undefined; // `none` with another value: the provider refuses it as it came
  const out = new URLSearchParams(params);
  out.set('prompt', [...new Set(asked.map((p) => (p === 'select_account' ? 'login' : p)))].join(' '));
  return out;
}
