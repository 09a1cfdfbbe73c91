import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../store/schema.ts';
import { OIDC_ROUTES } from './provider.ts';
import { rewriteAuthorizationForm, rewriteAuthorizationUrl } from './authorization-rewrites.ts';
import { replayedRequest } from './replayed-request.ts';
import { tooManyCodesPage } from './device-pages.ts';
import { rateLimitersOf } from '../http/rate-limiters.ts';
import { answerPostedRequest, isPostedRequest } from './posted-request.ts';

/** Device code entries (confirmations included) per client address per minute on the verification page. */
export const DEVICE_CODE_ENTRIES_PER_MINUTE = 30;

/** oidc-provider's own limit for a form body (lib/shared/selective_body.js). */
const FORM_LIMIT = 56 * 1024;

/**
 * The raw request as oidc-provider must see it. The provider runs in Koa's proxy mode and these
 * headers are always ours, never the client's: its URLs and secure-cookie decisions follow the
 * public URL (not a Host header a client chose), the client IP is Fastify's (which honours
 * LATCHKEY_TRUSTED_PROXIES). Use it for every raw request handed to the provider, including
 * `interactionDetails`/`interactionFinished` on the sign-in pages.
 */
export function forProvider(request: FastifyRequest, publicUrl: URL): FastifyRequest['raw'] {
  const headers = request.raw.headers;
  headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
  headers['x-forwarded-host'] = publicUrl.host;
  headers['x-forwarded-for'] = request.ip;
  return request.raw;
}

/**
 * Mounts oidc-provider (a Koa app) in Fastify: `/.well-known/openid-configuration` and
 * everything under `/oidc/`. The routes live in their own encapsulated scope whose only
 * content-type parser leaves the body unread, so oidc-provider reads the token endpoint's
 * form body itself; the handler hijacks the reply and hands the raw req/res to the provider.
 * Koa sees the public URL's scheme and host whatever Host header a client sends. An authorization
 * request for `offline_access` gets `consent` added to its `prompt`, a silent one becomes a marked
 * `prompt=consent` (oidc/offline-access.ts): in the URL of a GET, and in the form of a pushed one
 * (PAR), which this scope reads for that and hands on as an unread copy; `prompt=select_account`
 * becomes `prompt=login` first (oidc/account-selection.ts, ADR 0024). An authorization or
 * logout request sent by POST is answered here with a redirect to the same request by GET
 * (oidc/posted-request.ts, ADR 0023): the provider itself takes them by GET only
 * (`enableHttpPostMethods` stays off, so its session cookie stays `SameSite=Lax`).
 * `current()` is read per request, so a provider rebuilt after a key rotation takes over at once.
 */
export async function mountProvider(
  app: FastifyInstance,
  current: () => Provider,
  deps: { db: Kysely<DB>; logger: Logger; publicUrl: URL },
): Promise<void> {
  const callbacks = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  // RFC 8628 §5.1: user codes are short, so their entry is limited per client address (cluster-wide, ADR 0015).
  const codeEntries = rateLimitersOf(app).create('device.code.ip', { limit: DEVICE_CODE_ENTRIES_PER_MINUTE, windowMs: 60_000 });
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'POST' && request.url.split('?')[0] === OIDC_ROUTES.code_verification) {
      const d = codeEntries.take(`ip:${request.ip}`);
      if (!d.allowed)
        return reply.code(429).header('retry-after', String(d.retryAfterSeconds)).type('text/html; charset=utf-8').send(tooManyCodesPage(d.retryAfterSeconds));
    }
    if (isPostedRequest(request.method, request.url, OIDC_ROUTES)) {
      const answer = answerPostedRequest(request.url, request.headers['content-type'], request.body instanceof Buffer ? request.body : undefined);
      reply.header('cache-control', 'no-store');
      if (answer.kind === 'redirect') return reply.code(303).header('location', `${deps.publicUrl.origin}${answer.location}`).send();
      return reply.code(answer.status).type('application/json; charset=utf-8').send({ error: answer.error, error_description: answer.description });
    }
    const provider = current();
    let cb = callbacks.get(provider);
    if (!cb) callbacks.set(provider, (cb = provider.callback()));
    forProvider(request, deps.publicUrl);
    // As Entra answers them: offline_access with a refresh token and no consent screen (oidc/offline-access.ts),
    // select_account with a fresh sign-in where the person picks the account (oidc/account-selection.ts).
    const rewritten = request.method === 'GET' ? rewriteAuthorizationUrl(request.raw.url ?? '', OIDC_ROUTES.authorization) : undefined;
    if (rewritten) request.raw.url = rewritten;
    if (request.url.startsWith(OIDC_ROUTES.authorization) || request.url.split('?')[0] === OIDC_ROUTES.end_session) allowFormPostToApp(reply);
    const form = request.body instanceof Buffer ? request.body : undefined;
    const raw = form ? replayedRequest(request.raw, Buffer.from(rewriteAuthorizationForm(form.toString('utf8')) ?? form)) : request.raw;
    reply.hijack();
    cb(raw, reply.raw);
  };
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    // Read here: a pushed authorization request's form (handed on unread as a copy), and an
    // authorization or logout request's form (answered here by a redirect). Every other body is the provider's.
    scope.addContentTypeParser('application/x-www-form-urlencoded', (request, payload, done) => {
      const ours = request.method === 'POST' && (request.url.split('?')[0] === OIDC_ROUTES.pushed_authorization_request || isPostedRequest(request.method, request.url, OIDC_ROUTES));
      if (!ours) return done(null, undefined);
      readForm(payload).then((body) => done(null, body), done);
    });
    scope.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/.well-known/openid-configuration', schema: { hide: true }, handler });
    scope.route({ method: ['GET', 'POST', 'OPTIONS', 'DELETE'], url: '/oidc/*', schema: { hide: true }, handler });
  });
}

/**
 * `response_mode=form_post` (OAuth 2.0 Form Post Response Mode; ASP.NET's OpenID Connect handler
 * asks for it): the authorization endpoint answers with a page whose form the browser posts to the
 * app's redirect URI, another origin, which the console's `form-action 'self'` forbids. On the
 * authorization endpoint's answers only (`/oidc/authorize` and its resume path), the directive is
 * left out: they are redirects, that form page (to a redirect URI the provider checked against the
 * app's registration, every value HTML-escaped) and the provider's error pages, none with markup a
 * caller controls. Every other directive stays.
 *
 * The logout endpoint's confirmation page (`/oidc/logout`) likewise: its form posts to
 * `/oidc/logout/confirm`, whose answer redirects to the app's `post_logout_redirect_uri`, and
 * browsers hold a form's redirects to `form-action` too (CSP Level 3 §6.4.2; Chromium blocks the
 * submission). The provider checked that address against the app's registered redirect URIs.
 */
function allowFormPostToApp(reply: FastifyReply): void {
  const csp = reply.raw.getHeader('content-security-policy');
  if (typeof csp !== 'string') return;
  const kept = csp.split(';').filter((d) => !/^\s*form-action\b/i.test(d));
  reply.raw.setHeader('content-security-policy', kept.join(';'));
}

/** A pushed authorization request's form body, up to the provider's own limit (413 beyond it, as the provider answers). */
async function readForm(payload: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) throw Object.assign(new Error('The request body is too large.'), { statusCode: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
