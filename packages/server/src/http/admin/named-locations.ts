import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { createLocation, deleteLocation, getLocation, listLocations, updateLocation } from '../../policy/locations/named-locations.ts';

/**
 * Named locations (entra-spec §1.4, G ipnamedlocation.md): ipNamedLocation (IPv4/IPv6 CIDR
 * ranges, isTrusted) and countryNamedLocation.
 *   GET|POST /identity/conditionalAccess/namedLocations · GET|PATCH|DELETE …/{id}
 */
export async function registerNamedLocationRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['conditionalAccess'];
  const read = requires(deps.tokens, 'conditionalAccess.read');
  const write = requires(deps.tokens, 'conditionalAccess.write');
  const params = z.object({ id: z.string().min(1).max(64) });
  const base = '/identity/conditionalAccess/namedLocations';

  r.get(base, { onRequest: read, schema: { tags, summary: 'List named locations', response: { 200: collection } } }, async () => ({
    '@odata.context': `${deps.config.publicUrl.origin}/api/v1/$metadata#identity/conditionalAccess/namedLocations`,
    value: await listLocations(db),
  }));
  r.get(
    `${base}/:id`,
    { onRequest: read, schema: { tags, summary: 'Get a named location', params, response: { 200: location } } },
    async (request) => getLocation(db, request.params.id),
  );
  r.post(
    base,
    { onRequest: write, schema: { tags, summary: 'Create a named location', body, response: { 201: location } } },
    async (request, reply) => reply.code(201).send(await createLocation(db, contextOf(request), request.body)),
  );
  r.patch(
    `${base}/:id`,
    { onRequest: write, schema: { tags, summary: 'Update a named location', params, body, response: { 204: z.null() } } },
    async (request, reply) => {
      await updateLocation(db, contextOf(request), request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );
  r.delete(
    `${base}/:id`,
    {
      onRequest: write,
      schema: { tags, summary: 'Delete a named location (trusted ones must be untrusted first)', params, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteLocation(db, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}

const body = z.looseObject({
  '@odata.type': z.string().max(100).optional(),
  displayName: z.string().max(256).optional(),
  isTrusted: z.boolean().optional(),
  ipRanges: z
    .array(z.looseObject({ '@odata.type': z.string().max(100).optional(), cidrAddress: z.string().max(64) }))
    .max(2001)
    .optional(),
  countriesAndRegions: z.array(z.string().max(8)).max(300).optional(),
  includeUnknownCountriesAndRegions: z.boolean().optional(),
  countryLookupMethod: z.string().max(32).optional(),
});
const location = z.looseObject({ '@odata.type': z.string(), id: z.string(), displayName: z.string() });
const collection = z.looseObject({ '@odata.context': z.string(), value: z.array(location) });
