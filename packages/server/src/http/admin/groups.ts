import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { hasPermission } from '../../auth/permissions.ts';
import { forbidden } from '../../errors.ts';
import { odataQuerySchema, selectQuerySchema, collectionSchema } from '../../odata/schema.ts';
import { parseODataQuery, parseSelect, project } from '../../odata/query.ts';
import { collection } from '../../odata/response.ts';
import { DIRECTORY_OBJECTS_RESOURCE, GROUPS_RESOURCE } from '../../directory/filters.ts';
import { groupCreateSchema, groupPatchSchema, memberRefSchema } from '../../directory/schemas.ts';
import { createGroup, deleteGroup, getGroup, updateGroup } from '../../directory/groups.ts';
import { addMember, removeMember } from '../../directory/members.ts';
import { queryGroupMemberOf, queryGroupMembers, queryGroups } from '../../directory/queries.ts';
import { directoryObjectSchema, graphGroupSchema } from '../../directory/graph-schemas.ts';

/**
 * Security groups with nested membership in Graph's shape (entra-spec §8.6; G `group-*.md`):
 *   GET/POST /groups   GET/PATCH/DELETE /groups/{id}
 *   GET  /groups/{id}/members | transitiveMembers | memberOf | transitiveMemberOf
 *   POST /groups/{id}/members/$ref {"@odata.id": ".../directoryObjects/{id}"} → 204 (400 already a member, 404 unknown)
 *   DELETE /groups/{id}/members/{memberId}/$ref → 204
 */
export async function registerGroupRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['groups'];
  const origin = `${deps.config.publicUrl.origin}/api/v1`;
  const params = z.object({ groupId: z.string().min(1).max(100) });

  r.get(
    '/groups',
    {
      onRequest: requires(deps.tokens, 'groups.read'),
      schema: {
        tags,
        summary: 'List groups (keyset-paged by id)',
        querystring: odataQuerySchema,
        response: { 200: collectionSchema(graphGroupSchema.partial()) },
      },
    },
    async (request) => {
      const q = parseODataQuery(request.query, GROUPS_RESOURCE);
      const page = await queryGroups(db, q);
      return collection(
        { ...page, items: page.items.map((g) => project(g, q.select)) },
        q,
        `${origin}/groups`,
        `${origin}/$metadata#groups`,
      );
    },
  );

  r.post(
    '/groups',
    {
      onRequest: requires(deps.tokens, 'groups.write'),
      schema: { tags, summary: 'Create a security group', body: groupCreateSchema, response: { 201: graphGroupSchema } },
    },
    async (request, reply) => {
      // G group-post-groups.md: isAssignableToRole needs RoleManagement.ReadWrite.Directory too.
      if (request.body.isAssignableToRole && !hasPermission(request.principal!, 'roles.write'))
        throw forbidden(
          'Creating a role-assignable group needs RoleManagement.ReadWrite.Directory and a role that manages role assignments.',
        );
      return reply.code(201).send(await createGroup(db, contextOf(request), request.body));
    },
  );

  r.get(
    '/groups/:groupId',
    {
      onRequest: requires(deps.tokens, 'groups.read'),
      schema: { tags, summary: 'Get a group', params, querystring: selectQuerySchema, response: { 200: graphGroupSchema.partial() } },
    },
    async (request) => {
      const select = request.query.$select === undefined ? undefined : parseSelect(request.query.$select, GROUPS_RESOURCE);
      return project(await getGroup(db, request.params.groupId), select);
    },
  );

  r.patch(
    '/groups/:groupId',
    {
      onRequest: requires(deps.tokens, 'groups.write'),
      schema: {
        tags,
        summary: 'Update a group; members@odata.bind adds up to 20 members, all or nothing',
        params,
        body: groupPatchSchema,
        response: { 204: z.null().describe('Updated') },
      },
    },
    async (request, reply) => {
      await updateGroup(db, contextOf(request), request.params.groupId, request.body);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/groups/:groupId',
    {
      onRequest: requires(deps.tokens, 'groups.write'),
      schema: { tags, summary: 'Delete a group', params, response: { 204: z.null().describe('Deleted') } },
    },
    async (request, reply) => {
      await deleteGroup(db, contextOf(request), request.params.groupId);
      return reply.code(204).send(null);
    },
  );

  for (const segment of ['members', 'transitiveMembers', 'memberOf', 'transitiveMemberOf'] as const) {
    const transitive = segment.startsWith('transitive');
    const down = segment.endsWith('embers');
    r.get(
      `/groups/:groupId/${segment}`,
      {
        onRequest: requires(deps.tokens, 'groups.read'),
        schema: {
          tags,
          summary: `${segment} of a group`,
          params,
          querystring: odataQuerySchema,
          response: { 200: collectionSchema(directoryObjectSchema) },
        },
      },
      async (request) => {
        const q = parseODataQuery(request.query, DIRECTORY_OBJECTS_RESOURCE);
        const page = down
          ? await queryGroupMembers(db, request.params.groupId, transitive, q)
          : await queryGroupMemberOf(db, request.params.groupId, transitive, q);
        const base = `${origin}/groups/${encodeURIComponent(request.params.groupId)}/${segment}`;
        return collection({ ...page, items: page.items.map((o) => project(o, q.select)) }, q, base, `${origin}/$metadata#directoryObjects`);
      },
    );
  }

  r.post(
    '/groups/:groupId/members/$ref',
    {
      onRequest: requires(deps.tokens, 'groupMembers.write'),
      schema: {
        tags,
        summary: 'Add a user or group as a member',
        params,
        body: memberRefSchema,
        response: { 204: z.null().describe('Added') },
      },
    },
    async (request, reply) => {
      await addMember(db, contextOf(request), request.params.groupId, request.body['@odata.id']);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/groups/:groupId/members/:memberId/$ref',
    {
      onRequest: requires(deps.tokens, 'groupMembers.write'),
      schema: {
        tags,
        summary: 'Remove a direct member',
        params: params.extend({ memberId: z.string().min(1).max(100) }),
        response: { 204: z.null().describe('Removed') },
      },
    },
    async (request, reply) => {
      await removeMember(db, contextOf(request), request.params.groupId, request.params.memberId);
      return reply.code(204).send(null);
    },
  );
}
