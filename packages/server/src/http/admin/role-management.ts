import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { odataQuerySchema, collectionSchema } from '../../odata/schema.ts';
import { parseODataQuery, project } from '../../odata/query.ts';
import { collection } from '../../odata/response.ts';
import { ROLE_ASSIGNMENTS_RESOURCE } from '../../directory/filters.ts';
import { roleAssignmentCreateSchema } from '../../directory/schemas.ts';
import { ROLE_DEFINITIONS } from '../../directory/roles.ts';
import { assignRole, getRoleAssignment, getRoleDefinition, unassignRole } from '../../directory/role-assignments.ts';
import { queryRoleAssignments } from '../../directory/queries.ts';
import { roleAssignmentSchema, roleDefinitionSchema } from '../../directory/graph-schemas.ts';

/**
 * Directory RBAC in Graph's shape (G `rbacapplication-list-roledefinitions.md`,
 * `rbacapplication-post-roleassignments.md`, `unifiedroleassignment-delete.md`):
 *   GET    /roleManagement/directory/roleDefinitions[/{id}]    built-in roles, by Entra template id
 *   GET    /roleManagement/directory/roleAssignments?$filter=principalId eq '…'
 *   POST   /roleManagement/directory/roleAssignments {principalId, roleDefinitionId, directoryScopeId:"/"} → 201
 *   GET    /roleManagement/directory/roleAssignments/{id}     DELETE … → 204
 * Removing the last Global Administrator assignment of an enabled user is a 400.
 */
export async function registerRoleManagementRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['roleManagement'];
  const origin = `${deps.config.publicUrl.origin}/api/v1`;
  const base = `${origin}/roleManagement/directory`;
  const params = z.object({ id: z.string().min(1).max(100) });
  const definition = (d: (typeof ROLE_DEFINITIONS)[number]) => ({ ...d, isEnabled: true });

  r.get(
    '/roleManagement/directory/roleDefinitions',
    {
      onRequest: requires(deps.tokens, 'roles.read'),
      schema: { tags, summary: 'List the built-in directory roles', response: { 200: collectionSchema(roleDefinitionSchema) } },
    },
    async () => ({
      '@odata.context': `${origin}/$metadata#roleManagement/directory/roleDefinitions`,
      value: ROLE_DEFINITIONS.map(definition),
    }),
  );

  r.get(
    '/roleManagement/directory/roleDefinitions/:id',
    {
      onRequest: requires(deps.tokens, 'roles.read'),
      schema: { tags, summary: 'Get a role definition by template id', params, response: { 200: roleDefinitionSchema } },
    },
    async (request) => definition(getRoleDefinition(request.params.id)),
  );

  r.get(
    '/roleManagement/directory/roleAssignments',
    {
      onRequest: requires(deps.tokens, 'roles.read'),
      schema: {
        tags,
        summary: 'List role assignments',
        querystring: odataQuerySchema,
        response: { 200: collectionSchema(roleAssignmentSchema.partial()) },
      },
    },
    async (request) => {
      const q = parseODataQuery(request.query, ROLE_ASSIGNMENTS_RESOURCE);
      const page = await queryRoleAssignments(db, q);
      return collection(
        { ...page, items: page.items.map((a) => project(a, q.select)) },
        q,
        `${base}/roleAssignments`,
        `${origin}/$metadata#roleManagement/directory/roleAssignments`,
      );
    },
  );

  r.post(
    '/roleManagement/directory/roleAssignments',
    {
      onRequest: requires(deps.tokens, 'roles.write'),
      schema: {
        tags,
        summary: 'Assign a directory role to a user or a role-assignable group',
        body: roleAssignmentCreateSchema,
        response: { 201: roleAssignmentSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await assignRole(db, contextOf(request), request.body)),
  );

  r.get(
    '/roleManagement/directory/roleAssignments/:id',
    {
      onRequest: requires(deps.tokens, 'roles.read'),
      schema: { tags, summary: 'Get a role assignment', params, response: { 200: roleAssignmentSchema } },
    },
    async (request) => getRoleAssignment(db, request.params.id),
  );

  r.delete(
    '/roleManagement/directory/roleAssignments/:id',
    {
      onRequest: requires(deps.tokens, 'roles.write'),
      schema: { tags, summary: 'Remove a role assignment', params, response: { 204: z.null().describe('Removed') } },
    },
    async (request, reply) => {
      await unassignRole(db, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
