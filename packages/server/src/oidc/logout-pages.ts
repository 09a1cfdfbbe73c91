/**
 * The pages of RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) that oidc-provider
 * renders at `/oidc/logout` (`features.rpInitiatedLogout`): confirm the sign-out, and the page
 * shown after it when the app named no `post_logout_redirect_uri`. oidc-provider builds the form
 * (with its anti-forgery field, posted to `/oidc/logout/confirm`); these functions frame it.
 * The provider's defaults name the server's host and load a web font from Google.
 */

import { appName, page, type ClientLike, type ProviderPageCtx } from './pages.ts';

type LogoutCtx = ProviderPageCtx & { oidc?: { client?: ClientLike } };

/**
 * "Sign out?" (`logoutSource`): signing out ends the person's Latchkey session in this browser,
 * so every app that relies on it asks again; the app that sent the person here is named when the
 * request said which one (`id_token_hint` or `client_id`).
 */
export async function logoutSource(ctx: LogoutCtx, form: string): Promise<void> {
  const client = ctx.oidc?.client;
  ctx.type = 'html';
  ctx.body = page(
    'Sign out',
    `<h1>Sign out?</h1>
<p>${client ? `${appName(client)} asked to sign you out. ` : ''}Signing out ends your session in this browser: you will sign in again the next time an app of your organisation asks.</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}

/**
 * After the confirmation, when the app gave no address to return to (`postLogoutSuccessSource`).
 * The provider names the app here only when the person chose "Stay signed in": then only that
 * app's grant was ended and the session goes on; after "Sign out" the session is gone.
 */
export async function postLogoutSuccessSource(ctx: LogoutCtx): Promise<void> {
  const client = ctx.oidc?.client;
  ctx.type = 'html';
  ctx.body = client
    ? page(
        'Signed out of the app',
        `<h1>Signed out of ${appName(client)}</h1>
<p>You are still signed in to your organisation's other apps in this browser. You can close this window.</p>`,
      )
    : page(
        'Signed out',
        `<h1>You're signed out</h1>
<p>Your session in this browser has ended. You can close this window.</p>`,
      );
}
