/**
 * oidc-provider's `renderError`: the page a browser sees when the provider cannot send its error
 * back to the app (OAuth 2.0 §4.1.2.1: an unknown client, a redirect URI the app did not
 * register, an expired or foreign sign-in). The authorization endpoint, which only browsers visit,
 * always answers with it; the provider's other endpoints only when the request prefers HTML
 * (`Accept`, lib/shared/error_handler.js), and anything else gets the error as JSON, unchanged.
 *
 * The page says in plain words what went wrong and who can fix it, with the OAuth error code and
 * the provider's description (escaped) for the app's administrator. Nothing from the request is
 * echoed beyond that description, which the provider writes.
 */

import { escapeHtml, page, type ProviderPageCtx } from './pages.ts';

type ErrorOut = { error?: string; error_description?: string };

/** What the person reads, by OAuth error and by the provider's description. */
export function errorExplanation(out: ErrorOut): { title: string; text: string } {
  const description = out.error_description ?? '';
  if (out.error === 'invalid_client')
    return { title: 'This app is not known here', text: 'The app is not registered with your organisation’s sign-in, or it has been turned off. Tell the app’s administrator.' };
  if (/redirect_uri/.test(description))
    return { title: 'This app’s address is not registered', text: 'The app asked to send you back to an address it has not registered. Tell the app’s administrator.' };
  if (out.error === 'invalid_request' && /expired|not found|mismatch/.test(description))
    return { title: 'This sign-in has ended', text: 'It expired, was finished in another tab, or was started in another browser. Go back to the app and sign in again.' };
  return { title: 'The app’s sign-in request could not be answered', text: 'Go back to the app and try again. If it happens again, tell the app’s administrator what this page says below.' };
}

export async function renderError(ctx: ProviderPageCtx, out: ErrorOut): Promise<void> {
  const { title, text } = errorExplanation(out);
  ctx.type = 'html';
  ctx.body = page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
<p class="error" role="alert">${escapeHtml(out.error ?? 'server_error')}${out.error_description ? `: ${escapeHtml(out.error_description)}` : ''}</p>`,
  );
}
