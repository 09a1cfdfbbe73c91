import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { getRequirements, setPerUserMfaState } from '../../methods/oath/perUserMfa.ts';

/**
 * Legacy per-user MFA (Graph beta strongAuthenticationRequirements, entra-spec §7.1):
 *   GET   /users/{id}/authentication/requirements → {"perUserMfaState"}
 *   PATCH /users/{id}/authentication/requirements {"perUserMfaState":"disabled|enabled|enforced"} → 204
 */
export async function registerAuthenticationRequirementsRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['authenticationRequirements'];
  const params = z.object({ userId: z.string().min(1).max(320) });
  const state = z.enum(['disabled', 'enabled', 'enforced']);

  r.get(
    '/users/:userId/authentication/requirements',
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: { tags, summary: "A user's per-user MFA state", params, response: { 200: z.object({ perUserMfaState: state }) } },
    },
    async (request) => getRequirements(db, request.params.userId),
  );

  r.patch(
    '/users/:userId/authentication/requirements',
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: "Set a user's per-user MFA state",
        params,
        body: z.strictObject({ perUserMfaState: state }),
        response: { 204: z.null().describe('Updated') },
      },
    },
    async (request, reply) => {
      await setPerUserMfaState(db, contextOf(request), request.params.userId, request.body.perUserMfaState);
      return reply.code(204).send(null);
    },
  );
}
