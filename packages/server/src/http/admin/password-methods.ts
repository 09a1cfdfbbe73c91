import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { notFound } from '../../errors.ts';
import { PASSWORD_METHOD_ID } from '../../methods/password/params.ts';
import { listPasswordMethods } from '../../methods/password/listPasswordMethods.ts';
import { setPassword } from '../../methods/password/setPassword.ts';
import { disablePassword } from '../../methods/password/disablePassword.ts';

/**
 * A user's legacy password method in Graph's shape (G passwordAuthenticationMethod):
 *   GET    /users/{id}/authentication/passwordMethods[/{methodId}]   never the password or hash
 *   POST   /users/{id}/authentication/methods/{methodId}/resetPassword {newPassword} → 202 {}
 *   DELETE /users/{id}/authentication/passwordMethods/{methodId} → 204 (Latchkey extension: turns it off)
 * Unlike Entra, a user has no password until an administrator sets one; the list is then empty.
 */
export async function registerPasswordMethodRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['passwordMethods'];
  const userParams = z.object({ userId: z.string().min(1).max(320) });
  const methodParams = userParams.extend({ methodId: z.string().min(1).max(64) });

  const assertPasswordMethodId = (methodId: string) => {
    if (methodId.toLowerCase() !== PASSWORD_METHOD_ID) throw notFound('passwordAuthenticationMethod', methodId);
  };

  r.get(
    '/users/:userId/authentication/passwordMethods',
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: {
        tags,
        summary: "List a user's password methods (empty when the user has no password)",
        params: userParams,
        response: { 200: z.object({ value: z.array(passwordMethod) }) },
      },
    },
    async (request) => ({ value: await listPasswordMethods(db, request.params.userId) }),
  );

  r.get(
    '/users/:userId/authentication/passwordMethods/:methodId',
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: { tags, summary: "Get a user's password method", params: methodParams, response: { 200: passwordMethod } },
    },
    async (request) => {
      assertPasswordMethodId(request.params.methodId);
      const [method] = await listPasswordMethods(db, request.params.userId);
      if (!method) throw notFound('passwordAuthenticationMethod', request.params.methodId);
      return method;
    },
  );

  r.post(
    '/users/:userId/authentication/methods/:methodId/resetPassword',
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: "Set or reset a user's password (turns the password method on). Latchkey never generates one: newPassword is required.",
        params: methodParams,
        body: z.strictObject({ newPassword: z.string().max(4096) }),
        response: { 202: z.object({}) },
      },
    },
    async (request, reply) => {
      assertPasswordMethodId(request.params.methodId);
      await setPassword(db, contextOf(request), request.params.userId, request.body.newPassword);
      // Graph answers 202 with a Location to poll; Latchkey's reset is done when it answers, so no Location.
      return reply.code(202).send({});
    },
  );

  r.delete(
    '/users/:userId/authentication/passwordMethods/:methodId',
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: "Turn a user's password off and forget it (Latchkey extension)",
        params: methodParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      assertPasswordMethodId(request.params.methodId);
      await disablePassword(db, contextOf(request), request.params.userId);
      return reply.code(204).send(null);
    },
  );
}

const passwordMethod = z.object({
  id: z.literal(PASSWORD_METHOD_ID),
  password: z.null(),
  createdDateTime: z.string(),
});
