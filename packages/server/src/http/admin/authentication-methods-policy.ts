import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { configurationPatchSchema } from '../../policy/authentication-methods/schemas.ts';
import { getAuthenticationMethodsPolicy, getMethodConfiguration } from '../../policy/authentication-methods/read.ts';
import { updateMethodConfiguration } from '../../policy/authentication-methods/update.ts';
import { ODATA_TYPE } from '../../policy/authentication-methods/types.ts';

/**
 * The authentication methods policy in Graph's shape (entra-spec §4, §7.7):
 *   GET   /policies/authenticationMethodsPolicy
 *   GET   /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}
 *   PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}  → 204
 * `{id}` is case-insensitive (`Fido2`, `fido2`). Needs Policy.Read.All / Policy.ReadWrite.AuthenticationMethod.
 */
export async function registerAuthenticationMethodsPolicyRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['authenticationMethodsPolicy'];
  const params = z.object({ id: z.string().min(1).max(64) });

  r.get('/policies/authenticationMethodsPolicy', {
    preHandler: requires(deps.tokens, 'authMethodsPolicy.read'),
    schema: { tags, summary: 'Get the authentication methods policy', response: { 200: policyResponse } },
  }, async () => getAuthenticationMethodsPolicy(db));

  r.get('/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id', {
    preHandler: requires(deps.tokens, 'authMethodsPolicy.read'),
    schema: { tags, summary: 'Get one authentication method configuration', params, response: { 200: configurationResponse } },
  }, async (request) => getMethodConfiguration(db, request.params.id));

  r.patch('/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id', {
    preHandler: requires(deps.tokens, 'authMethodsPolicy.write'),
    schema: {
      tags,
      summary: 'Update one authentication method configuration (must include its @odata.type)',
      params,
      body: configurationPatchSchema,
      response: { 204: z.null().describe('Updated') },
    },
  }, async (request, reply) => {
    await updateMethodConfiguration(db, contextOf(request), request.params.id, request.body);
    return reply.code(204).send(null);
  });
}

// Response contracts (no transforms: responses are encoded, and the OpenAPI document comes from these).
const guid = z.string();
const state = z.enum(['enabled', 'disabled']);
const targetType = z.enum(['user', 'group']);
const includeTarget = z.object({ targetType, id: z.string(), isRegistrationRequired: z.boolean() });
const excludeTarget = z.object({ targetType, id: z.string() });
const keyRestrictions = z.object({ isEnforced: z.boolean(), enforcementType: z.enum(['allow', 'block']), aaGuids: z.array(guid) });
const base = { id: z.string(), state, includeTargets: z.array(includeTarget), excludeTargets: z.array(excludeTarget) };

const configurationResponse = z.discriminatedUnion('@odata.type', [
  z.object({
    '@odata.type': z.literal(ODATA_TYPE.Fido2),
    ...base,
    isSelfServiceRegistrationAllowed: z.boolean(),
    isAttestationEnforced: z.boolean(),
    keyRestrictions,
    passkeyProfiles: z.array(z.object({ id: guid, name: z.string(), passkeyTypes: z.enum(['deviceBound', 'synced', 'deviceBound,synced']), attestationEnforcement: z.enum(['disabled', 'registrationOnly']), keyRestrictions })),
    includeTargets: z.array(includeTarget.extend({ allowedPasskeyProfiles: z.array(guid) })),
  }),
  z.object({
    '@odata.type': z.literal(ODATA_TYPE.TemporaryAccessPass),
    ...base,
    defaultLifetimeInMinutes: z.int(),
    defaultLength: z.int(),
    minimumLifetimeInMinutes: z.int(),
    maximumLifetimeInMinutes: z.int(),
    isUsableOnce: z.boolean(),
  }),
  z.object({ '@odata.type': z.literal(ODATA_TYPE.SoftwareOath), ...base }),
  z.object({ '@odata.type': z.literal(ODATA_TYPE.HardwareOath), ...base }),
  z.object({ '@odata.type': z.literal(ODATA_TYPE.Password), ...base }),
]);

const policyResponse = z.object({
  id: z.literal('authenticationMethodsPolicy'),
  displayName: z.string(),
  description: z.string(),
  lastModifiedDateTime: z.string(),
  policyVersion: z.string(),
  policyMigrationState: z.enum(['preMigration', 'migrationInProgress', 'migrationComplete']),
  registrationEnforcement: z.record(z.string(), z.unknown()),
  authenticationMethodConfigurations: z.array(configurationResponse),
});
