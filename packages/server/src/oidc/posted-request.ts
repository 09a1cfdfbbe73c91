/**
 * Authorization and logout requests sent by POST, answered as GET.
 *
 * OpenID Connect Core 1.0 §3.1.2.1 ("Authorization Servers MUST support the use of the HTTP GET
 * and POST methods … at the Authorization Endpoint"; with POST, the parameters are form-serialized)
 * and RP-Initiated Logout 1.0 §2 (the same for the logout endpoint). ASP.NET's OpenID Connect
 * handler with `AuthenticationMethod = FormPost` sends its requests that way.
 *
 * A cross-site POST carries no `SameSite=Lax` cookie, so the provider would not see the person's
 * session (oidc-provider 9 turns POST off for that reason, `enableHttpPostMethods`, unless the
 * session cookie is `SameSite=None`). Latchkey keeps its cookies `Lax` and answers the POST with
 * `303 See Other` to the same endpoint by GET with the same parameters: that GET is a top-level
 * navigation, which carries `Lax` cookies, and from there the provider treats the request as any
 * other, checks included (a parameter given twice, in the URL and the form, is its
 * `invalid_request`). ADR 0023.
 */

/** The endpoints that take POST this way. */
export interface PostedEndpoints {
  authorization: string;
  end_session: string;
}

/**
 * The longest query this answer puts into a URL. The GET that follows must fit in Node's request
 * header limit (16 KiB with the cookies); an authorization request is a few hundred bytes, a signed
 * request object a few KiB. Beyond it: pushed authorization requests (RFC 9126, `/oidc/par`).
 */
export const MAX_POSTED_QUERY_BYTES = 8 * 1024;

export type PostedAnswer =
  | { kind: 'redirect'; location: string }
  | { kind: 'error'; status: 400 | 413; error: 'invalid_request'; description: string };

/** Whether a request is a POST this module answers (by its path, without the query). */
export function isPostedRequest(method: string, url: string, endpoints: PostedEndpoints): boolean {
  if (method !== 'POST') return false;
  const path = url.split('?')[0];
  return path === endpoints.authorization || path === endpoints.end_session;
}

/**
 * The answer to a POST at one of the endpoints: a redirect to the same path by GET with the query
 * the URL already had (RFC 6749 §3.1: an endpoint's query "MUST be retained") followed by the
 * form's parameters, re-encoded. `contentType` is the request's header; `form` its body (undefined
 * when none was read because it was not a form).
 */
export function answerPostedRequest(url: string, contentType: string | undefined, form: Buffer | undefined): PostedAnswer {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded' || !form)
    return {
      kind: 'error',
      status: 400,
      error: 'invalid_request',
      description: 'A POST to this endpoint carries its parameters as a form (Content-Type: application/x-www-form-urlencoded).',
    };
  const [path, query = ''] = splitOnce(url, '?');
  const parts = [query, new URLSearchParams(form.toString('utf8')).toString()].filter((p) => p.length > 0);
  const joined = parts.join('&');
  if (Buffer.byteLength(joined) > MAX_POSTED_QUERY_BYTES)
    return {
      kind: 'error',
      status: 413,
      error: 'invalid_request',
      description: `The request's parameters exceed ${MAX_POSTED_QUERY_BYTES} bytes; push a request this large to the pushed authorization request endpoint (RFC 9126) instead.`,
    };
  return { kind: 'redirect', location: joined ? `${path}?${joined}` : path };
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}
