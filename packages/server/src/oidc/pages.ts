/**
 * The frame of the pages oidc-provider renders through Latchkey's functions (the device code
 * pages, the logout pages): one small stylesheet inline, no script, nothing loaded from elsewhere
 * (oidc-provider's own defaults import a web font from Google). Everything interpolated is escaped.
 */

/** The part of oidc-provider's Koa context a page function sets. */
export type ProviderPageCtx = { body?: unknown; status?: number; type?: string };
export type ClientLike = { clientId: string; clientName?: string };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#1b1f24;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15);padding:2rem}
h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.45}.brand{font-weight:600;color:#3b5bdb;margin-bottom:1.5rem}
.error{color:#b42318;font-weight:600}.code{font:600 1.6rem ui-monospace,monospace;letter-spacing:.15em;text-align:center;margin:1rem 0}
input[name=user_code]{width:100%;box-sizing:border-box;font:1.3rem ui-monospace,monospace;letter-spacing:.15em;text-transform:uppercase;text-align:center;padding:.6rem;border:1px solid #8c959f;border-radius:6px;margin:.5rem 0 1rem}
button{font:inherit;font-weight:600;border-radius:6px;padding:.6rem 1rem;cursor:pointer;border:1px solid #3b5bdb;background:#3b5bdb;color:#fff;width:100%;margin-top:.5rem}
button.secondary{background:#fff;color:#3b5bdb}.warning{background:#fff8e6;border-left:4px solid #f79009;padding:.6rem .8rem}`;

/** A whole page: `title` (escaped here) and `body` (markup the caller escaped). */
export function page(title: string, body: string): string {
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

/** An app's display name, escaped ("the app" when it has none). */
export const appName = (client: ClientLike | undefined): string => escapeHtml(client?.clientName || client?.clientId || 'the app');
