import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { odataQuerySchema, selectQuerySchema, collectionSchema } from '../../odata/schema.ts';
import { parseODataQuery, parseSelect, project } from '../../odata/query.ts';
import { collection } from '../../odata/response.ts';
import { DIRECTORY_OBJECTS_RESOURCE, USERS_RESOURCE } from '../../directory/filters.ts';
import { userCreateSchema, userPatchSchema } from '../../directory/schemas.ts';
import { createUser, deleteUser, getUser, updateUser } from '../../directory/users.ts';
import { queryUserMemberOf, queryUsers } from '../../directory/queries.ts';
import { directoryObjectSchema, graphUserSchema } from '../../directory/graph-schemas.ts';

/**
 * Users in Graph's shape (G `user-list.md`, `user-post-users.md`, `user-get.md`, `user-update.md`,
 * `user-delete.md`, `user-list-memberof.md`, `user-list-transitivememberof.md`):
 *   GET    /users?$top&$skiptoken&$filter&$select&$count      GET /users/{id | userPrincipalName}
 *   POST   /users → 201 (409 when the userPrincipalName exists, case-insensitively)
 *   PATCH  /users/{id} → 204 (accountEnabled:false is the soft disable)   DELETE /users/{id} → 204
 *   GET    /users/{id}/memberOf, /users/{id}/transitiveMemberOf
 */
export async function registerUserRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['users'];
  const origin = `${deps.config.publicUrl.origin}/api/v1`;
  const params = z.object({ userId: z.string().min(1).max(320) });

  r.get(
    '/users',
    {
      onRequest: requires(deps.tokens, 'users.read'),
      schema: {
        tags,
        summary: 'List users (keyset-paged by id)',
        querystring: odataQuerySchema,
        response: { 200: collectionSchema(graphUserSchema.partial()) },
      },
    },
    async (request) => {
      const q = parseODataQuery(request.query, USERS_RESOURCE);
      const page = await queryUsers(db, q);
      return collection({ ...page, items: page.items.map((u) => project(u, q.select)) }, q, `${origin}/users`, `${origin}/$metadata#users`);
    },
  );

  r.post(
    '/users',
    {
      onRequest: requires(deps.tokens, 'users.write'),
      schema: { tags, summary: 'Create a user', body: userCreateSchema, response: { 201: graphUserSchema } },
    },
    async (request, reply) => reply.code(201).send(await createUser(db, contextOf(request), request.body)),
  );

  r.get(
    '/users/:userId',
    {
      onRequest: requires(deps.tokens, 'users.read'),
      schema: {
        tags,
        summary: 'Get a user by id or userPrincipalName',
        params,
        querystring: selectQuerySchema,
        response: { 200: graphUserSchema.partial() },
      },
    },
    async (request) => {
      const select = request.query.$select === undefined ? undefined : parseSelect(request.query.$select, USERS_RESOURCE);
      return project(await getUser(db, request.params.userId), select);
    },
  );

  r.patch(
    '/users/:userId',
    {
      onRequest: requires(deps.tokens, 'users.write'),
      schema: {
        tags,
        summary: 'Update a user (accountEnabled:false disables sign-in)',
        params,
        body: userPatchSchema,
        response: { 204: z.null().describe('Updated') },
      },
    },
    async (request, reply) => {
      await updateUser(db, contextOf(request), request.params.userId, request.body);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/users/:userId',
    {
      onRequest: requires(deps.tokens, 'users.write'),
      schema: {
        tags,
        summary: 'Delete a user with its memberships and role assignments',
        params,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await deleteUser(db, contextOf(request), request.params.userId);
      return reply.code(204).send(null);
    },
  );

  for (const transitive of [false, true]) {
    const segment = transitive ? 'transitiveMemberOf' : 'memberOf';
    r.get(
      `/users/:userId/${segment}`,
      {
        onRequest: requires(deps.tokens, 'users.read'),
        schema: {
          tags,
          summary: transitive ? 'Groups the user belongs to, directly or through nested groups' : 'Groups the user is a direct member of',
          params,
          querystring: odataQuerySchema,
          response: { 200: collectionSchema(directoryObjectSchema) },
        },
      },
      async (request) => {
        const q = parseODataQuery(request.query, DIRECTORY_OBJECTS_RESOURCE);
        const page = await queryUserMemberOf(db, request.params.userId, transitive, q);
        const base = `${origin}/users/${encodeURIComponent(request.params.userId)}/${segment}`;
        return collection({ ...page, items: page.items.map((o) => project(o, q.select)) }, q, base, `${origin}/$metadata#directoryObjects`);
      },
    );
  }
}
