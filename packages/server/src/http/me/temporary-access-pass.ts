import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, type AppDeps } from '../context.ts';
import { requiresMe } from './auth.ts';
import { listTemporaryAccessPasses } from '../../methods/tap/list.ts';
import { deleteTemporaryAccessPass } from '../../methods/tap/delete.ts';

/**
 * My Security Info: the user's own Temporary Access Pass (entra-spec §3.3 "Users can see and
 * delete their own TAP in Security info"; Graph `me/authentication/temporaryAccessPassMethods`):
 *   GET    /me/authentication/temporaryAccessPassMethods              never the pass
 *   DELETE /me/authentication/temporaryAccessPassMethods/{methodId}   → 204 (ends sessions made with it)
 * Deleting only takes access away, so it needs no fresh sign-in.
 */
export async function registerMeTemporaryAccessPassRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const onRequest = requiresMe(deps.tokens);
  const tags = ['me'];
  const me = (request: FastifyRequest) => request.principal!.id;

  r.get(
    '/me/authentication/temporaryAccessPassMethods',
    {
      onRequest,
      schema: {
        tags,
        summary: 'My Temporary Access Pass (zero or one); never the pass',
        response: { 200: z.object({ value: z.array(z.record(z.string(), z.unknown())) }) },
      },
    },
    async (request) => ({ value: (await listTemporaryAccessPasses(db, me(request))) as unknown as Array<Record<string, unknown>> }),
  );

  r.delete(
    '/me/authentication/temporaryAccessPassMethods/:methodId',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Delete my Temporary Access Pass',
        params: z.object({ methodId: z.string().min(1).max(64) }),
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await deleteTemporaryAccessPass(db, contextOf(request), me(request), request.params.methodId, { self: true });
      return reply.code(204).send(null);
    },
  );
}
