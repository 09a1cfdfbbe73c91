import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { contextOf, requires, type AppDeps } from '../context.ts';

/** `{userId}` (object id or userPrincipalName) of `/users/{userId}/authentication/…`. */
export const userParams = z.object({ userId: z.string().min(1).max(320) });
/** `{userId}` and `{methodId}` of `/users/{userId}/authentication/<methods>/{methodId}`. */
export const methodParams = userParams.extend({ methodId: z.string().min(1).max(64) });

/** One kind of a user's authentication methods, as its list/get/delete routes need it. */
export interface UserMethodCollection<T extends z.ZodType> {
  /** e.g. `/users/:userId/authentication/fido2Methods` */
  path: string;
  tags: string[];
  item: T;
  summaries: { list: string; get: string; delete: string };
  /** Describes the 204 of DELETE ("Deleted", "Unassigned"). */
  deleted: string;
  list(db: Kysely<DB>, userId: string): Promise<z.output<T>[]>;
  get(db: Kysely<DB>, userId: string, methodId: string): Promise<z.output<T>>;
  remove(db: Kysely<DB>, ctx: RequestContext, userId: string, methodId: string): Promise<void>;
}

/**
 * Registers `GET path`, `GET path/:methodId` and `DELETE path/:methodId` (204) for one method
 * kind (Graph's authentication method collections, entra-spec §5.3, §6.3): read needs
 * `userAuthMethods.read`, delete `userAuthMethods.write`.
 */
export function registerUserMethodCollection<T extends z.ZodType>(api: FastifyInstance, deps: AppDeps, c: UserMethodCollection<T>): void {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = c.tags;

  r.get(
    c.path,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: { tags, summary: c.summaries.list, params: userParams, response: { 200: z.object({ value: z.array(c.item) }) } },
    },
    async (request) => ({ value: await c.list(db, request.params.userId) }),
  );

  r.get(
    `${c.path}/:methodId`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.read'),
      schema: { tags, summary: c.summaries.get, params: methodParams, response: { 200: c.item as z.ZodType } }, // widened: Fastify cannot resolve a generic schema
    },
    async (request) => c.get(db, request.params.userId, request.params.methodId),
  );

  r.delete(
    `${c.path}/:methodId`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: { tags, summary: c.summaries.delete, params: methodParams, response: { 204: z.null().describe(c.deleted) } },
    },
    async (request, reply) => {
      await c.remove(db, contextOf(request), request.params.userId, request.params.methodId);
      return reply.code(204).send(null);
    },
  );
}
