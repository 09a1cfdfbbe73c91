import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requires, type AppDeps } from '../context.ts';
import { badRequest } from '../../errors.ts';
import { listSignInLogs } from '../../signin/signin-log-repository.ts';
import { parseSignInLogFilter } from '../../signin/signin-log-filter.ts';

const DEFAULT_TOP = 100;
const MAX_TOP = 999;

/**
 * The sign-in log in Graph's shape (Graph `signin-list.md`; issue 4 item 4):
 *   GET /auditLogs/signIns?$top=&$filter=&$skiptoken=   newest first, keyset-paged
 * One row per attempt with every Conditional Access policy's result. Needs `audit.read`
 * (AuditLog.Read.All and a reader role), checked in onRequest. docs/signin-logs.md.
 */
export async function registerSignInLogRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const base = `${deps.config.publicUrl.origin}/api/v1/auditLogs/signIns`;
  r.get(
    '/auditLogs/signIns',
    {
      onRequest: requires(deps.tokens, 'audit.read'),
      schema: {
        tags: ['auditLogs'],
        summary: 'List sign-ins, newest first, with per-policy Conditional Access results',
        querystring: z.object({
          $top: z.coerce.number().int().min(1).max(MAX_TOP).optional().describe(`Page size (default ${DEFAULT_TOP}, at most ${MAX_TOP}).`),
          $filter: z.string().max(2000).optional().describe("createdDateTime ge|gt|le|lt <date-time>, userId|appId|userPrincipalName|conditionalAccessStatus eq '…', status/errorCode eq|ne <n>, joined with and."),
          $skiptoken: z.string().max(200).optional().describe('Opaque; taken from @odata.nextLink.'),
        }),
        response: { 200: z.object({ '@odata.context': z.string(), value: z.array(signIn), '@odata.nextLink': z.string().optional() }) },
      },
    },
    async (request) => {
      const { $top: top = DEFAULT_TOP, $filter: filter, $skiptoken: skiptoken } = request.query;
      const where = filter === undefined ? undefined : parseSignInLogFilter(filter);
      const after = skiptoken === undefined ? undefined : decode(skiptoken);
      const rows = await listSignInLogs(deps.store.db, { top: top + 1, after, where });
      const value = rows.slice(0, top);
      const context = `${deps.config.publicUrl.origin}/api/v1/$metadata#auditLogs/signIns`;
      if (rows.length <= top) return { '@odata.context': context, value };
      const last = value.at(-1)!;
      const next = [`$top=${top}`, ...(filter === undefined ? [] : [`$filter=${encodeURIComponent(filter)}`]), `$skiptoken=${encode(last.createdDateTime, last.id)}`];
      return { '@odata.context': context, value, '@odata.nextLink': `${base}?${next.join('&')}` };
    },
  );
}

const encode = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
function decode(token: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, string];
    const d = new Date(at);
    if (Number.isNaN(d.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad');
    return { at: d, id };
  } catch {
    throw badRequest('Invalid $skiptoken.');
  }
}

// Response contract (Graph signIn resource, the properties Latchkey fills).
const signIn = z.object({
  id: z.string(),
  createdDateTime: z.string(),
  userId: z.string().nullable(),
  userPrincipalName: z.string().nullable(),
  appId: z.string(),
  appDisplayName: z.string().nullable(),
  ipAddress: z.string().nullable(),
  clientAppUsed: z.string(),
  status: z.object({ errorCode: z.number(), failureReason: z.string().nullable() }),
  conditionalAccessStatus: z.string(),
  appliedConditionalAccessPolicies: z.array(z.object({ id: z.string(), displayName: z.string(), result: z.string(), enforcedGrantControls: z.array(z.string()) })),
  authenticationDetails: z.array(z.object({ authenticationMethod: z.string(), succeeded: z.boolean(), authenticationStepDateTime: z.string() })),
  authenticationRequirement: z.string(),
  correlationId: z.string().nullable(),
  isInteractive: z.boolean().describe('False for a token refresh (a non-interactive sign-in).'),
  authenticationProtocol: z.string().describe("Graph beta: `deviceCode` for the sign-in that approved a device code (RFC 8628), else `none`."),
  originalTransferMethod: z
    .string()
    .describe('Graph beta: `deviceCodeFlow` for that sign-in and every refresh of the tokens its code gave the device, else `none`.'),
});
