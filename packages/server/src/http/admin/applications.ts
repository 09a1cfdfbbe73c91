import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { ApiError } from '../../errors.ts';
import {
  addPassword,
  createApplication,
  deleteApplication,
  getApplication,
  removePassword,
  updateApplication,
} from '../../applications/applications.ts';
import { APPLICATION_FILTER_FIELDS, listApplications, passwordsOf } from '../../applications/repository.ts';
import { toGraphApplication } from '../../applications/shapes.ts';
import { isNativeRedirectUri, isWebRedirectUri } from '../../applications/platforms.ts';
import { parseFilter } from '../../odata/filter.ts';
import { idPagedQuery, idPagedResponse } from './id-paging.ts';

/**
 * App registrations in Graph's shape (G `resources/application.md`):
 *   GET/POST /applications   GET/PATCH/DELETE /applications/{id}
 *   GET /applications?$filter=startswith(displayName,'pay') | appId eq '…' | displayName eq '…'
 *                    &$search="displayName:pay"   (contains, case-insensitive)
 * Platforms: `web` (confidential, secret), `spa` and `publicClient` (public, PKCE, no secret);
 * one per application (ADR 0014, applications/platforms.ts).
 *   POST /applications/{id}/addPassword {passwordCredential} → the credential with secretText (only here)
 *   POST /applications/{id}/removePassword {keyId} → 204
 * `appId` is the OAuth client id at the token endpoint (see docs/oidc.md). Secrets are stored as
 * SHA-256 only; afterwards only `hint` (first 3 characters) is shown.
 */
export async function registerApplicationRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['applications'];
  const params = z.object({ id: z.string().min(1).max(100) });
  const base = `${deps.config.publicUrl.origin}/api/v1/applications`;

  r.get(
    '/applications',
    {
      onRequest: requires(deps.tokens, 'applications.read'),
      schema: {
        tags,
        summary: 'List applications',
        querystring: idPagedQuery("appId eq '<guid>', displayName eq '<name>', startswith(displayName,'<prefix>'), isFallbackPublicClient eq true|false; and/or").extend({
          $search: z.string().max(300).optional().describe('"displayName:<text>": display names containing the text (case-insensitive)'),
        }),
        response: { 200: idPagedResponse(application) },
      },
    },
    async (request) => {
      const { $top: top = 100, $filter: filter, $search: searchText, $skiptoken: skiptoken } = request.query;
      const f = filter === undefined ? undefined : parseAppFilter(filter);
      const search = searchText === undefined ? undefined : parseSearch(searchText);
      const after = skiptoken === undefined ? undefined : decodeAfter(skiptoken);
      const page = await listApplications(db, { top, ...(f ? { filter: f } : {}), ...(search === undefined ? {} : { search }), ...(after ? { after } : {}) });
      const passwords = await passwordsOf(
        db,
        page.rows.map((a) => a.id),
      );
      const value = page.rows.map((a) => toGraphApplication(a, passwords));
      if (!page.more) return { value };
      return { value, '@odata.nextLink': nextLink(base, top, filter, searchText, page.rows.at(-1)!.id) };
    },
  );

  r.post(
    '/applications',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: { tags, summary: 'Register an application', body: applicationInput, response: { 201: application } },
    },
    async (request, reply) => reply.code(201).send(await createApplication(db, contextOf(request), request.body)),
  );

  r.get(
    '/applications/:id',
    {
      onRequest: requires(deps.tokens, 'applications.read'),
      schema: { tags, summary: 'Get an application', params, response: { 200: application } },
    },
    async (request) => getApplication(db, request.params.id),
  );

  r.patch(
    '/applications/:id',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: { tags, summary: 'Update an application', params, body: applicationInput.partial(), response: { 204: z.null() } },
    },
    async (request, reply) => {
      await updateApplication(db, contextOf(request), request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/applications/:id',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: { tags, summary: 'Delete an application with its secrets and service principal', params, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteApplication(db, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/applications/:id/addPassword',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: {
        tags,
        summary: 'Add a client secret; the response is the only time secretText is shown',
        params,
        body: z.strictObject({
          passwordCredential: z
            .strictObject({
              displayName: text(256).nullable().optional(),
              startDateTime: z.iso.datetime({ offset: true }).optional(),
              endDateTime: z.iso.datetime({ offset: true }).optional(),
            })
            .optional(),
        }),
        response: { 200: passwordCredential },
      },
    },
    async (request) => addPassword(db, contextOf(request), request.params.id, request.body.passwordCredential ?? {}),
  );

  r.post(
    '/applications/:id/removePassword',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: {
        tags,
        summary: 'Remove a client secret',
        params,
        body: z.strictObject({ keyId: z.string().min(1).max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removePassword(db, contextOf(request), request.params.id, request.body.keyId);
      return reply.code(204).send(null);
    },
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `$filter` through the shared OData parser (odata/filter.ts), over APPLICATION_FILTER_FIELDS. */
function parseAppFilter(filter: string) {
  if (!printable(filter)) throw new ApiError('Request_BadRequest', 'Invalid $filter: contains control characters or malformed Unicode.');
  return parseFilter(filter, APPLICATION_FILTER_FIELDS, 'applications');
}

/**
 * Graph's `$search="displayName:<text>"` (advanced queries; the quotes are part of the syntax).
 * Latchkey matches display names containing the text, case-insensitively, and needs no
 * `ConsistencyLevel: eventual` header (its index is never behind).
 */
function parseSearch(text: string): string {
  const m = /^"displayName:([^"]*)"$/i.exec(text.trim());
  if (!m) throw new ApiError('Request_UnsupportedQuery', 'Unsupported $search: use $search="displayName:<text>".');
  const term = m[1]!.trim();
  if (!term || !printable(term)) throw new ApiError('Request_BadRequest', 'Invalid $search: give the text to look for, without control characters.');
  return term;
}

/** The next page's URL, keeping `$top`, `$filter` and `$search`. */
function nextLink(base: string, top: number, filter: string | undefined, search: string | undefined, lastId: string): string {
  const parts = [
    `$top=${top}`,
    ...(filter === undefined ? [] : [`$filter=${encodeURIComponent(filter)}`]),
    ...(search === undefined ? [] : [`$search=${encodeURIComponent(search)}`]),
    `$skiptoken=${Buffer.from(lastId).toString('base64url')}`,
  ];
  return `${base}?${parts.join('&')}`;
}

function decodeAfter(token: string): string {
  const id = Buffer.from(token, 'base64url').toString('utf8');
  if (!GUID.test(id)) throw new ApiError('Request_BadRequest', 'Invalid $skiptoken: use the @odata.nextLink as given.');
  return id;
}

/** PostgreSQL text and jsonb hold neither NUL nor lone surrogates; names need no control characters. */
const printable = (v: string) => v.isWellFormed() && ![...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const text = (max: number) => z.string().max(max).refine(printable, 'must not contain control characters');

const uri = () => z.string().max(2000).refine(printable, 'must not contain control characters');
const redirectUri = uri().refine(isWebRedirectUri, 'must be an absolute https URL (http only for localhost), without a fragment');
const nativeRedirectUri = uri().refine(
  isNativeRedirectUri,
  'must be a private-use scheme URI such as com.example.app:/callback, a claimed https URL, or http on localhost/127.0.0.1/[::1] (RFC 8252 §7), without a fragment',
);
const platform = (item: z.ZodType<string>) => z.strictObject({ redirectUris: z.array(item).max(256).optional() }).optional();

const implicitGrantSettings = z.strictObject({ enableIdTokenIssuance: z.boolean().optional(), enableAccessTokenIssuance: z.boolean().optional() }).optional();

const applicationInput = z.strictObject({
  displayName: z.string().trim().min(1).max(256).refine(printable, 'must not contain control characters'),
  description: text(1024).nullable().optional(),
  // Graph's values; DirectoryRole and ApplicationGroup are not offered (docs/oidc.md).
  groupMembershipClaims: z.enum(['None', 'SecurityGroup', 'All']).nullable().optional(),
  web: z.strictObject({ redirectUris: z.array(redirectUri).max(256).optional(), implicitGrantSettings }).optional(),
  spa: platform(redirectUri),
  publicClient: platform(nativeRedirectUri),
  isFallbackPublicClient: z.boolean().optional(),
});
const platformOut = z.object({ redirectUris: z.array(z.string()) });

const passwordCredential = z.object({
  keyId: z.string(),
  displayName: z.string().nullable(),
  hint: z.string(),
  startDateTime: z.string(),
  endDateTime: z.string(),
  secretText: z.string().nullable(),
  customKeyIdentifier: z.null(),
});

const application = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string(),
  description: z.string().nullable(),
  groupMembershipClaims: z.string().nullable(),
  signInAudience: z.string(),
  createdDateTime: z.string(),
  web: platformOut.extend({ implicitGrantSettings: z.object({ enableIdTokenIssuance: z.boolean(), enableAccessTokenIssuance: z.boolean() }) }),
  spa: platformOut,
  publicClient: platformOut,
  isFallbackPublicClient: z.boolean(),
  passwordCredentials: z.array(passwordCredential),
});
