import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { issueTemporaryAccessPass } from '../../methods/tap/issue.ts';
import { listTemporaryAccessPasses } from '../../methods/tap/list.ts';
import { getTemporaryAccessPass } from '../../methods/tap/get.ts';
import { deleteTemporaryAccessPass } from '../../methods/tap/delete.ts';

const tapMethod = z.object({
  '@odata.type': z.literal('#microsoft.graph.temporaryAccessPassAuthenticationMethod'),
  id: z.string(),
  temporaryAccessPass: z.string().nullable().describe('The pass; only in the POST response, null otherwise'),
  createdDateTime: z.string(),
  startDateTime: z.string(),
  lifetimeInMinutes: z.number().int(),
  isUsableOnce: z.boolean(),
  isUsable: z.boolean(),
  methodUsabilityReason: z.enum(['EnabledByPolicy', 'DisabledByPolicy', 'Expired', 'NotYetValid', 'OneTimeUsed']),
});

/**
 * A user's Temporary Access Pass in Graph's shape (entra-spec §3.2; G temporaryAccessPassAuthenticationMethod):
 *   POST   /users/{id}/authentication/temporaryAccessPassMethods   {startDateTime?, lifetimeInMinutes?, isUsableOnce?} → 201, pass shown once
 *   GET    /users/{id}/authentication/temporaryAccessPassMethods[/{methodId}]   never the pass
 *   DELETE /users/{id}/authentication/temporaryAccessPassMethods/{methodId}     → 204
 * Permissions: `UserAuthenticationMethod.ReadWrite.All` with Global, Privileged Authentication or
 * Authentication Administrator (the last only for non-admin users); nobody for themselves.
 * Reading needs `UserAuthenticationMethod.Read(Write).All` (Global Reader sees metadata, never the pass).
 */
export async function registerTemporaryAccessPassRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['temporaryAccessPassMethods'];
  const userParams = z.object({ userId: z.string().min(1).max(320) });
  const methodParams = userParams.extend({ methodId: z.string().min(1).max(64) });
  const path = '/users/:userId/authentication/temporaryAccessPassMethods';

  r.post(
    path,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: 'Issue a Temporary Access Pass (replaces the existing one); the pass is returned only here',
        params: userParams,
        body: z
          .strictObject({
            '@odata.type': z.literal('#microsoft.graph.temporaryAccessPassAuthenticationMethod').optional(),
            startDateTime: z.iso.datetime({ offset: true }).optional().describe('Default: now'),
            lifetimeInMinutes: z.number().int().min(1).max(525_600).optional().describe("Default: the policy's defaultLifetimeInMinutes"),
            isUsableOnce: z.boolean().optional().describe('Forced to true when the policy says isUsableOnce'),
          })
          .optional(),
        response: { 201: tapMethod },
      },
    },
    async (request, reply) => {
      const b = request.body ?? {};
      const created = await issueTemporaryAccessPass(db, contextOf(request), request.params.userId, {
        startDateTime: b.startDateTime,
        lifetimeInMinutes: b.lifetimeInMinutes,
        isUsableOnce: b.isUsableOnce,
      });
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  r.get(
    path,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: {
        tags,
        summary: "List a user's Temporary Access Pass (zero or one); never the pass",
        params: userParams,
        response: { 200: z.object({ value: z.array(tapMethod) }) },
      },
    },
    async (request) => ({ value: await listTemporaryAccessPasses(db, request.params.userId) }),
  );

  r.get(
    `${path}/:methodId`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: { tags, summary: "Get a user's Temporary Access Pass; never the pass", params: methodParams, response: { 200: tapMethod } },
    },
    async (request) => getTemporaryAccessPass(db, request.params.userId, request.params.methodId),
  );

  r.delete(
    `${path}/:methodId`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: "Delete a user's Temporary Access Pass (valid, expired or used)",
        params: methodParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await deleteTemporaryAccessPass(db, contextOf(request), request.params.userId, request.params.methodId);
      return reply.code(204).send(null);
    },
  );
}
