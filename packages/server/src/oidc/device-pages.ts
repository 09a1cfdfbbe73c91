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

type DeviceCtx = { body?: unknown; status?: number; type?: string };
type ClientLike = { clientId: string; clientName?: string };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#1b1f24;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15);padding:2rem}
h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.45}.brand{font-weight:600;color:#3b5bdb;margin-bottom:1.5rem}
.error{color:#b42318;font-weight:600}.code{font:600 1.6rem ui-monospace,monospace;letter-spacing:.15em;text-align:center;margin:1rem 0}
input[name=user_code]{width:100%;box-sizing:border-box;font:1.3rem ui-monospace,monospace;letter-spacing:.15em;text-transform:uppercase;text-align:center;padding:.6rem;border:1px solid #8c959f;border-radius:6px;margin:.5rem 0 1rem}
button{font:inherit;font-weight:600;border-radius:6px;padding:.6rem 1rem;cursor:pointer;border:1px solid #3b5bdb;background:#3b5bdb;color:#fff;width:100%;margin-top:.5rem}
button.secondary{background:#fff;color:#3b5bdb}.warning{background:#fff8e6;border-left:4px solid #f79009;padding:.6rem .8rem}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Latchkey</title>
<style>${STYLE}</style>
</head>
<body><main><div class="brand">Latchkey</div>${body}</main></body>
</html>`;
}

const appName = (client: ClientLike | undefined): string => escapeHtml(client?.clientName || client?.clientId || 'the app');

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
