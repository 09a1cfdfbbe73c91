import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requires, type AppDeps } from '../context.ts';
import { parseAuditFilter } from '../../audit/filter.ts';
import { findDirectoryAudit, listDirectoryAudits } from '../../audit/repository.ts';
import { badRequest, notFound } from '../../errors.ts';
import { parseAnchor, verifyAuditLog } from '../../audit/verify.ts';
import { DEFAULT_TOP, MAX_TOP, decodeSkipToken, encodeSkipToken } from '../../audit/paging.ts';

/**
 * The audit trail in Graph's shape (Graph `directoryaudit-list.md`, `directoryaudit-get.md`):
 *   GET /auditLogs/directoryAudits?$top=&$filter=&$skiptoken=   newest first, keyset-paged
 *   GET /auditLogs/directoryAudits/{id}
 *   POST /auditLogs/verifyChain {expectHead?}                   Latchkey extension: the chain check
 * Needs AuditLog.Read.All and a reader role, checked in onRequest: anonymous callers get 401 before
 * any body is read or validated. `@odata.nextLink` is the entire next URL (entra-spec §8.2).
 */
export async function registerAuditRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['auditLogs'];
  const base = `${deps.config.publicUrl.origin}/api/v1/auditLogs/directoryAudits`;

  r.get(
    '/auditLogs/directoryAudits',
    {
      onRequest: requires(deps.tokens, 'audit.read'),
      schema: {
        tags,
        summary: 'List directory audit entries, newest first',
        querystring: z.object({
          $top: z.coerce.number().int().min(1).max(MAX_TOP).optional().describe(`Page size (default ${DEFAULT_TOP}, at most ${MAX_TOP}).`),
          $filter: z
            .string()
            .max(2000)
            .optional()
            .describe(
              "activityDateTime ge|le <date-time>, category|activityDisplayName|result|correlationId|initiatedBy/user/id eq '…', targetResources/any(t: t/id eq '…'), joined with and.",
            ),
          $skiptoken: z.string().max(100).optional().describe('Opaque; taken from @odata.nextLink.'),
        }),
        response: { 200: z.object({ value: z.array(directoryAudit), '@odata.nextLink': z.string().optional() }) },
      },
    },
    async (request) => {
      const { $top: top = DEFAULT_TOP, $filter: filter, $skiptoken: skiptoken } = request.query;
      const conditions = filter === undefined ? [] : parseAuditFilter(filter);
      const page = await listDirectoryAudits(db, {
        conditions,
        top,
        beforeSeq: skiptoken === undefined ? undefined : decodeSkipToken(skiptoken),
      });
      if (page.nextBeforeSeq === null) return { value: page.items };
      const next = [
        `$top=${top}`,
        ...(filter === undefined ? [] : [`$filter=${encodeURIComponent(filter)}`]),
        `$skiptoken=${encodeSkipToken(page.nextBeforeSeq)}`,
      ];
      return { value: page.items, '@odata.nextLink': `${base}?${next.join('&')}` };
    },
  );

  r.post(
    '/auditLogs/verifyChain',
    {
      onRequest: requires(deps.tokens, 'audit.read'),
      schema: {
        tags,
        summary: 'Verify the audit hash chain (Latchkey extension; same report as `latchkey audit verify --json`)',
        body: z.strictObject({
          expectHead: z.string().max(200).optional().describe('An anchor `seq:hash` recorded from an earlier report.'),
        }),
        response: { 200: verifyReport },
      },
    },
    async (request) => {
      const { expectHead } = request.body;
      if (expectHead !== undefined) {
        try {
          parseAnchor(expectHead);
        } catch (err) {
          throw badRequest((err as Error).message.replace('--expect-head', 'expectHead'));
        }
      }
      return verifyAuditLog(db, { expectHead });
    },
  );

  r.get(
    '/auditLogs/directoryAudits/:id',
    {
      onRequest: requires(deps.tokens, 'audit.read'),
      schema: {
        tags,
        summary: 'Get one directory audit entry',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: directoryAudit },
      },
    },
    async (request) => {
      const entry = await findDirectoryAudit(db, request.params.id);
      if (!entry) throw notFound('directoryAudit', request.params.id);
      return entry;
    },
  );
}

// Response contract (Graph directoryAudit resource).
const text = z.string().nullable().optional();
// Graph userIdentity / appIdentity; loose, so entries written before a field existed still serialise.
const userIdentity = z.looseObject({ id: text, displayName: text, userPrincipalName: text, ipAddress: text }).nullable();
const appIdentity = z.looseObject({ appId: text, displayName: text, servicePrincipalId: text, servicePrincipalName: text }).nullable();
const directoryAudit = z.object({
  id: z.string(),
  category: z.string(),
  correlationId: z.string().nullable(),
  result: z.string(),
  resultReason: z.string().nullable(),
  activityDisplayName: z.string(),
  activityDateTime: z.string(),
  loggedByService: z.string(),
  operationType: z.string(),
  initiatedBy: z.object({ user: userIdentity, app: appIdentity }),
  targetResources: z.array(
    z.object({
      id: z.string(),
      displayName: z.string().nullable(),
      type: z.string().nullable(),
      userPrincipalName: z.string().nullable(),
      modifiedProperties: z.array(z.object({ displayName: z.string(), oldValue: z.string().nullable(), newValue: z.string().nullable() })),
    }),
  ),
  additionalDetails: z.array(z.object({ key: z.string(), value: z.string() })),
});

const issue = z.object({
  kind: z.enum(['edited', 'deleted', 'relinked', 'truncated']),
  seq: z.number().nullable(),
  id: z.string().nullable(),
  message: z.string(),
});
const verifyReport = z.object({
  ok: z.boolean(),
  checked: z.number(),
  head: z.object({ seq: z.number(), hash: z.string(), anchor: z.string() }).nullable(),
  firstBroken: issue.nullable(),
  issues: z.array(issue),
  issueCount: z.number(),
  anchor: z
    .object({ expected: z.string(), found: z.boolean(), seq: z.number().nullable(), appendedSince: z.number().nullable() })
    .nullable(),
  note: z.string(),
});
