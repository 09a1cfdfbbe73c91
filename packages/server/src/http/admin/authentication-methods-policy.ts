import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { configurationPatchSchema, policyPatchSchema } from '../../policy/authentication-methods/schemas.ts';
import { getAuthenticationMethodsPolicy, getMethodConfiguration } from '../../policy/authentication-methods/read.ts';
import { etagOf, parseIfMatch, updateMethodConfiguration } from '../../policy/authentication-methods/update.ts';
import { updateAuthenticationMethodsPolicy } from '../../policy/authentication-methods/updatePolicy.ts';
import { METHOD_IDS, ODATA_TYPE } from '../../policy/authentication-methods/types.ts';
import { explainMethodsForUser } from '../../policy/authentication-methods/explain.ts';
import { revertMethodConfiguration } from '../../policy/authentication-methods/revert.ts';
import { confirmQuerySchema } from '../../policy/conditional-access/schemas.ts';

/**
 * The authentication methods policy in Graph's shape (entra-spec §4, §7.7):
 *   GET   /policies/authenticationMethodsPolicy                                   → 200 (+ ETag)
 *   PATCH /policies/authenticationMethodsPolicy  {policyMigrationState, registrationEnforcement} → 200
 *   GET   /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}  → 200 (+ ETag)
 *   PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}  → 204
 *   DELETE /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id} → 204 (reverts to default)
 *   POST  /policies/authenticationMethodsPolicy/evaluate {userId}   → 200 per-method answer with reasons (Latchkey)
 * `{id}` is case-insensitive (`Fido2`, `fido2`). Reads need Policy.Read.All (Global Reader may
 * read); writes Policy.ReadWrite.AuthenticationMethod and a policy-admin role. An optional
 * `If-Match` with the ETag of a GET makes a PATCH conditional (412 if the policy moved on).
 */
export async function registerAuthenticationMethodsPolicyRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['authenticationMethodsPolicy'];
  const params = z.object({ id: z.string().min(1).max(64) });
  const headers = z.object({
    'if-match': z.string().max(100).optional().describe('ETag from a GET; the PATCH fails with 412 if it is stale.'),
  });

  r.get(
    '/policies/authenticationMethodsPolicy',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: { tags, summary: 'Get the authentication methods policy', response: { 200: policyResponse } },
    },
    async (_request, reply) => {
      const { policy, version } = await getAuthenticationMethodsPolicy(db);
      void reply.header('etag', etagOf(version));
      return policy;
    },
  );

  r.patch(
    '/policies/authenticationMethodsPolicy',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      schema: {
        tags,
        summary: "Update the policy's own properties (registration campaign, migration state)",
        headers,
        body: policyPatchSchema,
        response: { 200: policyResponse },
      },
    },
    async (request, reply) => {
      const result = await updateAuthenticationMethodsPolicy(db, contextOf(request), request.body, {
        ifMatchVersion: parseIfMatch(request.headers['if-match']),
      });
      void reply.header('etag', etagOf(result.version));
      return result.policy;
    },
  );

  r.delete(
    '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      schema: {
        tags,
        summary: "Revert one method's configuration to Entra's default (refused with 409 LockoutRisk if it would lock people out, unless ?confirmLockout=true)",
        params,
        headers,
        querystring: confirmQuerySchema,
        response: { 204: z.null().describe('Reverted') },
      },
    },
    async (request, reply) => {
      const result = await revertMethodConfiguration(db, contextOf(request), request.params.id, {
        ifMatchVersion: parseIfMatch(request.headers['if-match']),
        confirmLockout: request.query.confirmLockout === 'true',
      });
      return reply.code(204).header('etag', etagOf(result.version)).send(null);
    },
  );

  r.post(
    '/policies/authenticationMethodsPolicy/evaluate',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: {
        tags,
        summary: 'Which methods the policy lets one user use and register, with the reason for each (Latchkey extension)',
        body: z.strictObject({ userId: z.string().min(1).max(320).describe('User id or userPrincipalName') }),
        response: { 200: explanationResponse },
      },
    },
    async (request) => explainMethodsForUser(db, request.body.userId),
  );

  r.get(
    '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: { tags, summary: 'Get one authentication method configuration', params, response: { 200: configurationResponse } },
    },
    async (request, reply) => {
      const { configuration, version } = await getMethodConfiguration(db, request.params.id);
      void reply.header('etag', etagOf(version));
      return configuration;
    },
  );

  r.patch(
    '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      schema: {
        tags,
        summary: 'Update one authentication method configuration (must include its @odata.type; refused with 409 LockoutRisk if it would lock people out, unless ?confirmLockout=true)',
        params,
        headers,
        querystring: confirmQuerySchema,
        body: configurationPatchSchema,
        response: { 204: z.null().describe('Updated') },
      },
    },
    async (request, reply) => {
      const result = await updateMethodConfiguration(db, contextOf(request), request.params.id, request.body, {
        ifMatchVersion: parseIfMatch(request.headers['if-match']),
        confirmLockout: request.query.confirmLockout === 'true',
      });
      return reply.code(204).header('etag', etagOf(result.version)).send(null);
    },
  );
}

// Response contracts (no transforms: responses are encoded, and the OpenAPI document comes from these).
const state = z.enum(['enabled', 'disabled']);
const targetType = z.enum(['user', 'group']);
const includeTarget = z.object({ targetType, id: z.string(), isRegistrationRequired: z.boolean() });
const excludeTarget = z.object({ targetType, id: z.string() });
const keyRestrictions = z.object({ isEnforced: z.boolean(), enforcementType: z.enum(['allow', 'block']), aaGuids: z.array(z.string()) });
const base = { id: z.string(), state, includeTargets: z.array(includeTarget), excludeTargets: z.array(excludeTarget) };
const feature = z.object({ state: z.enum(['default', 'enabled', 'disabled']), includeTarget: excludeTarget, excludeTarget });

const configurationResponse = z.discriminatedUnion('@odata.type', [
  z.object({
    '@odata.type': z.literal(ODATA_TYPE.Fido2),
    ...base,
    isSelfServiceRegistrationAllowed: z.boolean(),
    isAttestationEnforced: z.boolean(),
    keyRestrictions,
    passkeyProfiles: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        passkeyTypes: z.enum(['deviceBound', 'synced', 'deviceBound,synced']),
        attestationEnforcement: z.enum(['disabled', 'registrationOnly']),
        keyRestrictions,
      }),
    ),
    includeTargets: z.array(includeTarget.extend({ allowedPasskeyProfiles: z.array(z.string()) })),
  }),
  z.object({
    '@odata.type': z.literal(ODATA_TYPE.MicrosoftAuthenticator),
    ...base,
    includeTargets: z.array(includeTarget.extend({ authenticationMode: z.enum(['any', 'push', 'deviceBasedPush']) })),
    isSoftwareOathEnabled: z.boolean(),
    featureSettings: z.object({ displayAppInformationRequiredState: feature, displayLocationInformationRequiredState: feature }),
  }),
  z.object({
    '@odata.type': z.literal(ODATA_TYPE.Sms),
    ...base,
    includeTargets: z.array(includeTarget.extend({ isUsableForSignIn: z.boolean() })),
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
  z.object({
    '@odata.type': z.literal(ODATA_TYPE.Email),
    ...base,
    allowExternalIdToUseEmailOtp: z.enum(['default', 'enabled', 'disabled']),
  }),
  z.object({ '@odata.type': z.literal(ODATA_TYPE.SoftwareOath), ...base }),
  z.object({ '@odata.type': z.literal(ODATA_TYPE.HardwareOath), ...base }),
  z.object({ '@odata.type': z.literal(ODATA_TYPE.Voice), ...base, isOfficePhoneAllowed: z.boolean() }),
  z.object({ '@odata.type': z.literal(ODATA_TYPE.Password), ...base }),
]);

const campaign = z.object({
  snoozeDurationInDays: z.int(),
  enforceRegistrationAfterAllowedSnoozes: z.boolean(),
  state: z.enum(['default', 'enabled', 'disabled']),
  includeTargets: z.array(z.object({ id: z.string(), targetType, targetedAuthenticationMethod: z.string() })),
  excludeTargets: z.array(excludeTarget),
});

const methodId = z.enum(METHOD_IDS as [string, ...string[]]);
const explanationResponse = z.object({
  userId: z.string(),
  userPrincipalName: z.string(),
  usableMethods: z.array(methodId),
  selfRegistrableMethods: z.array(methodId),
  methods: z.array(
    z.object({
      methodId,
      enabled: z.boolean(),
      reason: z.string(),
      targetId: z.string().optional(),
      canSelfRegister: z.boolean(),
      selfRegistrationReason: z.string(),
      isRegistrationRequired: z.boolean(),
      availableInLatchkey: z.boolean(),
      explanation: z.string(),
    }),
  ),
  passkeyProfiles: z.array(z.object({ id: z.string(), name: z.string(), passkeyTypes: z.string(), attestationEnforcement: z.string() })),
});

const policyResponse = z.object({
  id: z.literal('authenticationMethodsPolicy'),
  displayName: z.string(),
  description: z.string(),
  lastModifiedDateTime: z.string(),
  policyVersion: z.string(),
  policyMigrationState: z.enum(['preMigration', 'migrationInProgress', 'migrationComplete']),
  registrationEnforcement: z.object({ authenticationMethodsRegistrationCampaign: campaign }),
  authenticationMethodConfigurations: z.array(configurationResponse),
});
