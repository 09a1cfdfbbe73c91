import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { ApiError } from '../../errors.ts';
import { ROLE_DEFINITIONS } from '../../directory/roles.ts';
import { listServicePrincipals } from '../../applications/service-principals-repository.ts';
import { toGraphServicePrincipal } from '../../applications/shapes.ts';
import { idPagedQuery, idPagedResponse, nextLinkAfterId } from './id-paging.ts';
import {
  createServicePrincipal,
  deleteServicePrincipal,
  getServicePrincipal,
  grantAppRole,
  listAppRoleAssignments,
  listDirectoryRoles,
  revokeAppRole,
  setDirectoryRole,
  updateServicePrincipal,
} from '../../applications/service-principals.ts';

/**
 * Service principals in Graph's shape (G `resources/serviceprincipal.md`):
 *   GET/POST /servicePrincipals {appId}   GET/PATCH {accountEnabled}/DELETE /servicePrincipals/{id}
 *   GET/POST /servicePrincipals/{id}/appRoleAssignments {appRoleValue | appRoleId}   DELETE …/{assignmentId}
 *     granted admin-API permissions, the `roles` claim of the app's tokens. Latchkey accepts the
 *     permission name as `appRoleValue` (Graph needs the appRoleId of the Graph resource).
 *   GET/POST /servicePrincipals/{id}/directoryRoles {roleDefinitionId}   DELETE …/{roleDefinitionId}
 *     (Latchkey extension) directory roles of the service principal, the `wids` claim.
 */
export async function registerServicePrincipalRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['servicePrincipals'];
  const params = z.object({ id: z.string().min(1).max(100) });
  const base = `${deps.config.publicUrl.origin}/api/v1/servicePrincipals`;

  r.get(
    '/servicePrincipals',
    {
      onRequest: requires(deps.tokens, 'applications.read'),
      schema: {
        tags,
        summary: 'List service principals',
        querystring: idPagedQuery("appId eq '<guid>'"),
        response: { 200: idPagedResponse(servicePrincipal) },
      },
    },
    async (request) => {
      const { $top: top = 100, $filter: filter, $skiptoken: skiptoken } = request.query;
      let appId: string | undefined;
      if (filter !== undefined) {
        const m = /^\s*appId\s+eq\s+'([0-9a-f-]{36})'\s*$/i.exec(filter);
        if (!m) throw new ApiError('Request_UnsupportedQuery', "Unsupported $filter: use appId eq '<guid>'.");
        appId = m[1];
      }
      const after = skiptoken === undefined ? undefined : Buffer.from(skiptoken, 'base64url').toString('utf8');
      if (after !== undefined && !/^[0-9a-f-]{36}$/i.test(after))
        throw new ApiError('Request_BadRequest', 'Invalid $skiptoken: use the @odata.nextLink as given.');
      const page = await listServicePrincipals(db, { top, ...(after ? { after } : {}), ...(appId ? { appId } : {}) });
      const value = page.rows.map(toGraphServicePrincipal);
      if (!page.more) return { value };
      return { value, '@odata.nextLink': nextLinkAfterId(base, top, filter, page.rows.at(-1)!.id) };
    },
  );

  r.post(
    '/servicePrincipals',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: {
        tags,
        summary: 'Create the service principal of an application',
        body: z.strictObject({ appId: z.string().min(1).max(100) }),
        response: { 201: servicePrincipal },
      },
    },
    async (request, reply) => reply.code(201).send(await createServicePrincipal(db, contextOf(request), request.body.appId)),
  );

  r.get(
    '/servicePrincipals/:id',
    {
      onRequest: requires(deps.tokens, 'applications.read'),
      schema: { tags, summary: 'Get a service principal', params, response: { 200: servicePrincipal } },
    },
    async (request) => getServicePrincipal(db, request.params.id),
  );

  r.patch(
    '/servicePrincipals/:id',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: {
        tags,
        summary: 'Enable or disable a service principal (a disabled one gets no tokens, and its tokens stop working)',
        params,
        body: z.strictObject({ accountEnabled: z.boolean().optional() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await updateServicePrincipal(db, contextOf(request), request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/servicePrincipals/:id',
    {
      onRequest: requires(deps.tokens, 'applications.write'),
      schema: { tags, summary: 'Delete a service principal with its grants and directory roles', params, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteServicePrincipal(db, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/servicePrincipals/:id/appRoleAssignments',
    {
      onRequest: requires(deps.tokens, 'applications.read'),
      schema: {
        tags,
        summary: 'Permissions granted to the service principal',
        params,
        response: { 200: z.object({ value: z.array(appRoleAssignment) }) },
      },
    },
    async (request) => ({ value: await listAppRoleAssignments(db, request.params.id) }),
  );

  r.post(
    '/servicePrincipals/:id/appRoleAssignments',
    {
      onRequest: requires(deps.tokens, 'roles.write'),
      schema: {
        tags,
        summary: 'Grant an admin-API permission (application permission) to the service principal',
        params,
        body: z.strictObject({
          appRoleValue: z.string().min(1).max(100).optional().describe('Graph permission name, e.g. User.Read.All (Latchkey extension)'),
          appRoleId: z.string().min(1).max(100).optional(),
          principalId: z.string().max(100).optional().describe('When given, must be the service principal id'),
          resourceId: z.string().max(100).optional().describe('Ignored: the resource is always the Latchkey API'),
        }),
        response: { 201: appRoleAssignment },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (b.principalId !== undefined && b.principalId.toLowerCase() !== request.params.id.toLowerCase())
        throw new ApiError('Request_BadRequest', 'principalId must be the service principal in the path.');
      if ((b.appRoleValue === undefined) === (b.appRoleId === undefined))
        throw new ApiError('Request_BadRequest', 'Give exactly one of appRoleValue and appRoleId.');
      const by = b.appRoleValue === undefined ? { appRoleId: b.appRoleId! } : { appRoleValue: b.appRoleValue };
      return reply.code(201).send(await grantAppRole(db, contextOf(request), request.params.id, by));
    },
  );

  r.delete(
    '/servicePrincipals/:id/appRoleAssignments/:assignmentId',
    {
      onRequest: requires(deps.tokens, 'roles.write'),
      schema: {
        tags,
        summary: 'Revoke a granted permission',
        params: params.extend({ assignmentId: z.string().min(1).max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await revokeAppRole(db, contextOf(request), request.params.id, request.params.assignmentId);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/servicePrincipals/:id/directoryRoles',
    {
      onRequest: requires(deps.tokens, 'roles.read'),
      schema: {
        tags,
        summary: 'Directory roles held by the service principal (Latchkey extension)',
        params,
        response: { 200: z.object({ value: z.array(directoryRole) }) },
      },
    },
    async (request) => {
      const held = await listDirectoryRoles(db, request.params.id);
      return {
        value: ROLE_DEFINITIONS.filter((d) => held.includes(d.templateId)).map((d) => ({
          roleDefinitionId: d.templateId,
          displayName: d.displayName,
        })),
      };
    },
  );

  r.post(
    '/servicePrincipals/:id/directoryRoles',
    {
      onRequest: requires(deps.tokens, 'roles.write'),
      schema: {
        tags,
        summary: 'Assign a directory role to the service principal (Latchkey extension)',
        params,
        body: z.strictObject({ roleDefinitionId: z.string().min(1).max(100).describe('Role template id or name') }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await setDirectoryRole(db, contextOf(request), request.params.id, request.body.roleDefinitionId, true);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/servicePrincipals/:id/directoryRoles/:roleDefinitionId',
    {
      onRequest: requires(deps.tokens, 'roles.write'),
      schema: {
        tags,
        summary: 'Remove a directory role from the service principal (Latchkey extension)',
        params: params.extend({ roleDefinitionId: z.string().min(1).max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await setDirectoryRole(db, contextOf(request), request.params.id, request.params.roleDefinitionId, false);
      return reply.code(204).send(null);
    },
  );
}

const servicePrincipal = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string(),
  accountEnabled: z.boolean(),
  servicePrincipalType: z.literal('Application'),
  createdDateTime: z.string(),
});
const appRoleAssignment = z.object({
  id: z.string(),
  appRoleId: z.string(),
  appRoleValue: z.string(),
  principalId: z.string(),
  principalDisplayName: z.string(),
  principalType: z.literal('ServicePrincipal'),
  resourceId: z.string(),
  resourceDisplayName: z.string(),
  createdDateTime: z.string(),
});
const directoryRole = z.object({ roleDefinitionId: z.string(), displayName: z.string() });
