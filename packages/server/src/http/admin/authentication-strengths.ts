import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { badRequest } from '../../errors.ts';
import {
  addCombinationConfiguration,
  createStrength,
  deleteCombinationConfiguration,
  deleteCustomStrength,
  getStrength,
  listStrengths,
  strengthUsage,
  updateCustomStrength,
} from '../../policy/strengths/strengths.ts';
import { METHOD_MODES, VALID_COMBINATIONS } from '../../policy/strengths/modes.ts';
import { confirmQuerySchema } from '../../policy/conditional-access/schemas.ts';

/**
 * Authentication strengths (entra-spec §2) at Graph's paths under
 * /identity/conditionalAccess/authenticationStrength: policies (built-in + up to 15 custom),
 * `{id}/usage`, `{id}/updateAllowedCombinations`, `{id}/combinationConfigurations`,
 * `combinations` and `authenticationMethodModes`.
 */
export async function registerAuthenticationStrengthRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['conditionalAccess'];
  const read = requires(deps.tokens, 'conditionalAccess.read');
  const write = requires(deps.tokens, 'conditionalAccess.write');
  const root = '/identity/conditionalAccess/authenticationStrength';
  const base = `${root}/policies`;
  const params = z.object({ id: z.string().min(1).max(64) });
  const ctxUrl = (what: string) => `${deps.config.publicUrl.origin}/api/v1/$metadata#${what}`;

  // Graph exposes the same collection at /policies/authenticationStrengthPolicies (v1.0) too (entra-spec §2.1).
  for (const path of [base, '/policies/authenticationStrengthPolicies']) {
    r.get(
      path,
      {
        onRequest: read,
        schema: {
          tags,
          summary: "List authentication strengths ($filter=policyType eq 'builtIn' | 'custom')",
          querystring: z.object({ $filter: z.string().max(200).optional() }),
          response: { 200: collection },
        },
      },
      async (request) => {
        const f = request.query.$filter;
        let type: 'builtIn' | 'custom' | undefined;
        if (f !== undefined) {
          const m = /^\s*policyType\s+eq\s+'(builtIn|custom)'\s*$/.exec(f);
          if (!m) throw badRequest("Only $filter=policyType eq 'builtIn' or 'custom' is supported.");
          type = m[1] as 'builtIn' | 'custom';
        }
        return {
          '@odata.context': ctxUrl(
            path === base ? 'identity/conditionalAccess/authenticationStrength/policies' : 'policies/authenticationStrengthPolicies',
          ),
          value: await listStrengths(db, type),
        };
      },
    );
    r.get(
      `${path}/:id`,
      { onRequest: read, schema: { tags, summary: 'Get an authentication strength', params, response: { 200: strength } } },
      async (request) => getStrength(db, request.params.id),
    );
  }
  r.post(
    base,
    {
      onRequest: write,
      schema: { tags, summary: 'Create a custom authentication strength', body: createBody, response: { 201: strength } },
    },
    async (request, reply) => reply.code(201).send(await createStrength(db, contextOf(request), request.body)),
  );
  r.patch(
    `${base}/:id`,
    {
      onRequest: write,
      schema: { tags, summary: 'Update name or description of a custom strength', params, body: patchBody, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await updateCustomStrength(db, contextOf(request), request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );
  r.post(
    `${base}/:id/updateAllowedCombinations`,
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Replace the allowed combinations of a custom strength (lockout-guarded: ?confirmLockout=true)',
        params,
        querystring: confirmQuerySchema,
        body: z.strictObject({ allowedCombinations: z.array(z.string().max(200)).max(64) }),
        response: { 200: z.looseObject({}) },
      },
    },
    async (request) => {
      const s = await updateCustomStrength(
        db,
        contextOf(request),
        request.params.id,
        { allowedCombinations: request.body.allowedCombinations },
        request.query.confirmLockout === 'true',
      );
      return { '@odata.context': ctxUrl('microsoft.graph.updateAllowedCombinationsResult'), currentCombinations: s.allowedCombinations };
    },
  );
  r.delete(
    `${base}/:id`,
    {
      onRequest: write,
      schema: { tags, summary: 'Delete a custom strength (not while a policy uses it)', params, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteCustomStrength(db, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  r.get(
    `${base}/:id/usage`,
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'Conditional Access policies that use this strength',
        params,
        response: { 200: z.looseObject({ mfa: z.array(z.looseObject({})), none: z.array(z.looseObject({})) }) },
      },
    },
    async (request) => ({
      '@odata.context': ctxUrl('microsoft.graph.authenticationStrengthUsage'),
      ...(await strengthUsage(db, request.params.id)),
    }),
  );
  r.get(
    `${base}/:id/combinationConfigurations`,
    { onRequest: read, schema: { tags, summary: 'List combination configurations', params, response: { 200: collection } } },
    async (request) => ({
      '@odata.context': ctxUrl('combinationConfigurations'),
      value: (await getStrength(db, request.params.id)).combinationConfigurations,
    }),
  );
  r.post(
    `${base}/:id/combinationConfigurations`,
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Restrict fido2 to listed AAGUIDs (custom strengths only; lockout-guarded: ?confirmLockout=true)',
        params,
        querystring: confirmQuerySchema,
        body: comboBody,
        response: { 201: z.looseObject({ id: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await addCombinationConfiguration(
            db,
            contextOf(request),
            request.params.id,
            request.body,
            request.query.confirmLockout === 'true',
          ),
        ),
  );
  r.delete(
    `${base}/:id/combinationConfigurations/:configId`,
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Delete a combination configuration',
        params: params.extend({ configId: z.string().min(1).max(64) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteCombinationConfiguration(db, contextOf(request), request.params.id, request.params.configId);
      return reply.code(204).send(null);
    },
  );
  r.get(
    `${root}/combinations`,
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'Every valid combination of authentication method modes',
        response: { 200: z.looseObject({ value: z.array(z.string()) }) },
      },
    },
    async () => ({
      '@odata.context': ctxUrl('Collection(microsoft.graph.authenticationMethodModes)'),
      value: [...VALID_COMBINATIONS],
    }),
  );
  r.get(
    `${root}/authenticationMethodModes`,
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'Every authentication method mode',
        response: { 200: z.looseObject({ value: z.array(z.looseObject({ id: z.string() })) }) },
      },
    },
    async () => ({
      '@odata.context': ctxUrl('identity/conditionalAccess/authenticationStrength/authenticationMethodModes'),
      value: METHOD_MODES.map((id) => ({ id, displayName: id })),
    }),
  );
}

const comboBody = z.looseObject({
  '@odata.type': z.string().max(100).optional(),
  allowedAAGUIDs: z.array(z.string().max(64)).max(100).optional(),
  appliesToCombinations: z.array(z.string().max(64)).max(10).optional(),
});
const createBody = z.looseObject({
  displayName: z.string().min(1).max(30),
  description: z.string().max(256).nullish(),
  allowedCombinations: z.array(z.string().max(200)).max(64),
  combinationConfigurations: z.array(comboBody).max(2).optional(),
});
const patchBody = z.looseObject({ displayName: z.string().min(1).max(30).optional(), description: z.string().max(256).nullish() });
const strength = z.looseObject({
  id: z.string(),
  displayName: z.string(),
  policyType: z.string(),
  allowedCombinations: z.array(z.string()),
});
const collection = z.looseObject({ '@odata.context': z.string(), value: z.array(z.looseObject({})) });
