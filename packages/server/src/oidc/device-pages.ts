/**
 * The pages of the device code flow (RFC 8628 §3.3) that oidc-provider renders at
 * `/oidc/device` (`features.deviceFlow`, ADR 0019): enter the code, confirm the app, done. The
 * sign-in between confirm and done is the ordinary sign-in page (its interaction).
 *
 * The confirm page says plainly what device code phishing relies on people not knowing: only
 * continue for a sign-in you started yourself, on a device in front of you (RFC 8628 §5.4,
 * "Remote Phishing"). oidc-provider builds the forms (with their anti-forgery field); these
 * functions only frame them. Everything interpolated is escaped.
 */

import { appName, escapeHtml, page, type ClientLike, type ProviderPageCtx } from './pages.ts';

type DeviceCtx = ProviderPageCtx;

/** What went wrong with an entered code, in words (oidc-provider's re-render errors by name). */
export function codeProblem(err: { name?: string } | undefined): string | undefined {
  switch (err?.name) {
    case undefined:
      return undefined;
    case 'NoCodeError':
      return 'Enter the code your device shows.';
    case 'NotFoundError':
      return 'That code is not valid. Check it against your device and try again.';
    case 'ExpiredError':
      return 'That code has expired. Start again on your device to get a new one.';
    case 'AlreadyUsedError':
      return 'That code has already been used. Start again on your device to get a new one.';
    case 'AbortedError':
      return 'Sign-in cancelled. Nothing was signed in; you can close this window.';
    default:
      return 'Something went wrong. Start again on your device.';
  }
}

/**
 * Enter the code (`userCodeInputSource`). A wrong, expired or used code answers 400 with the
 * reason; a cancelled sign-in answers 200. The provider's inline `onfocus` handler is dropped
 * (the page's CSP allows no inline script) and the field gets a label.
 */
export async function userCodeInputSource(ctx: DeviceCtx, form: string, _out?: unknown, err?: { name?: string }): Promise<void> {
  const problem = codeProblem(err);
  if (problem && err?.name !== 'AbortedError') ctx.status = 400;
  const field = form.replace(/\s*onfocus="[^"]*"/, '').replace('name="user_code"', 'name="user_code" aria-label="Code" maxlength="20"');
  ctx.type = 'html';
  ctx.body = page(
    'Enter code',
    `<h1>Enter code</h1>
${problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : '<p>Enter the code displayed on your app or device to sign it in.</p>'}
${field}
<button type="submit" form="op.deviceInputForm">Next</button>`,
  );
}

/** Confirm the app and the code before signing in (`userCodeConfirmSource`), with the phishing warning. */
export async function userCodeConfirmSource(
  ctx: DeviceCtx,
  form: string,
  client: ClientLike,
  _deviceInfo: unknown,
  userCode: string,
): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    'Confirm sign-in',
    `<h1>Are you trying to sign in to ${appName(client)}?</h1>
<p>Your device should show this code:</p>
<p class="code">${escapeHtml(userCode)}</p>
<p class="warning">Only continue if you started this sign-in yourself, just now, on a device in front of you. If someone sent you this code or asked you to enter it, cancel: it would let them sign in as you.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes" class="secondary">Cancel</button>`,
  );
}

/** The device got its tokens' go-ahead (`successSource`). */
export async function successSource(ctx: DeviceCtx & { oidc: { client?: ClientLike } }): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    'Signed in',
    `<h1>You're signed in</h1>
<p>You have signed in to ${appName(ctx.oidc.client)} on your device. You can close this window.</p>`,
  );
}

/** Too many codes entered from one address (oidc/mount.ts, RFC 8628 §5.1): a 429 page with the wait. */
export function tooManyCodesPage(retryAfterSeconds: number): string {
  return page(
    'Too many attempts',
    `<h1>Too many attempts</h1>
<p class="error" role="alert">Too many codes were entered from your network. Wait ${retryAfterSeconds} seconds, then enter the code again.</p>`,
  );
}
