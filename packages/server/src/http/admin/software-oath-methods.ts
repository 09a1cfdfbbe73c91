import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { deleteSoftwareMethod, getSoftwareMethod, listSoftwareMethods } from '../../methods/oath/enrollSoftwareToken.ts';
import { softwareOathMethod } from '../../methods/oath/schemas.ts';

/**
 * A user's authenticator apps (Graph v1.0 softwareOathAuthenticationMethod: list/get/delete,
 * entra-spec §6.3). Registration is self-service (My Security Info, `http/me/oath.ts`); the seed
 * is never returned here (`secretKey` is always null).
 */
export async function registerSoftwareOathMethodRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['softwareOathMethods'];
  const base = '/users/:userId/authentication/softwareOathMethods';
  const userParams = z.object({ userId: z.string().min(1).max(320) });
  const methodParams = userParams.extend({ methodId: z.string().min(1).max(64) });

  r.get(
    base,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: {
        tags,
        summary: "List a user's authenticator apps (software OATH)",
        params: userParams,
        response: { 200: z.object({ value: z.array(softwareOathMethod) }) },
      },
    },
    async (request) => ({ value: await listSoftwareMethods(db, request.params.userId) }),
  );

  r.get(
    `${base}/:methodId`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: { tags, summary: "Get one of a user's authenticator apps", params: methodParams, response: { 200: softwareOathMethod } },
    },
    async (request) => getSoftwareMethod(db, request.params.userId, request.params.methodId),
  );

  r.delete(
    `${base}/:methodId`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: "Delete one of a user's authenticator apps",
        params: methodParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await deleteSoftwareMethod(db, contextOf(request), request.params.userId, request.params.methodId);
      return reply.code(204).send(null);
    },
  );
}
