import { accountSelectionAsLogin } from './account-selection.ts';
import { offlineConsentParams, onQuery } from './offline-access.ts';

/**
 * Every rewrite of an authorization request before the provider reads it, in order: `select_account`
 * answered as `login` (oidc/account-selection.ts), then the `offline_access` rule (oidc/offline-access.ts). On the
 * path and query of a GET; undefined to leave the request alone.
 */
export function rewriteAuthorizationUrl(url: string, authorizationPath: string): string | undefined {
  return onQuery(url, authorizationPath, rewriteAuthorizationParams);
}

/** `rewriteAuthorizationUrl` on a pushed authorization request's form body. */
export function rewriteAuthorizationForm(body: string): string | undefined {
  return rewriteAuthorizationParams(new URLSearchParams(body))?.toString();
}

function rewriteAuthorizationParams(params: URLSearchParams): URLSearchParams | undefined {
  const selected = accountSelectionAsLogin(params);
  const consented = offlineConsentParams(selected ?? params);
  return consented ?? selected;
}
