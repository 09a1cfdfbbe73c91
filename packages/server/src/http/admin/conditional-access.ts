import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { notFound } from '../../errors.ts';
import { confirmQuerySchema, policyBodySchema } from '../../policy/conditional-access/schemas.ts';
import {
  createConditionalAccessPolicy,
  deleteConditionalAccessPolicy,
  getConditionalAccessPolicy,
  listConditionalAccessPolicies,
  updateConditionalAccessPolicy,
} from '../../policy/conditional-access/policies.ts';
import { whatIf, whatIfRequestSchema } from '../../policy/conditional-access/what-if.ts';
import { analyzeLockout } from '../../policy/analysis/analyze.ts';
import { findAnalysisJob, startAnalysisJob } from '../../policy/analysis/jobs.ts';

/**
 * Conditional Access policies in Graph's shape (entra-spec §1), What If (§1.8) and Latchkey's
 * lockout analysis (issue 4 item 8):
 *   GET|POST          /identity/conditionalAccess/policies
 *   GET|PATCH|DELETE  /identity/conditionalAccess/policies/{id}       (writes: ?confirmLockout=true)
 *   POST              /identity/conditionalAccess/evaluate             What If (Graph beta shape)
 *   POST              /identity/conditionalAccess/analyze              lockout analysis (?async=true → 202 job)
 *   GET               /identity/conditionalAccess/analyze/{jobId}      job progress and result
 * Writes run the lockout analysis first; a risky change is 409 (details.code LockoutRisk) unless confirmed.
 */
export async function registerConditionalAccessRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['conditionalAccess'];
  const read = requires(deps.tokens, 'conditionalAccess.read');
  const write = requires(deps.tokens, 'conditionalAccess.write');
  const params = z.object({ id: z.string().min(1).max(64) });
  const base = '/identity/conditionalAccess/policies';

  r.get(
    base,
    { onRequest: read, schema: { tags, summary: 'List Conditional Access policies', response: { 200: collection } } },
    async () => ({
      '@odata.context': `${deps.config.publicUrl.origin}/api/v1/$metadata#identity/conditionalAccess/policies`,
      value: await listConditionalAccessPolicies(db),
    }),
  );

  r.get(
    `${base}/:id`,
    { onRequest: read, schema: { tags, summary: 'Get a Conditional Access policy', params, response: { 200: policyResponse } } },
    async (request) => getConditionalAccessPolicy(db, request.params.id),
  );

  r.post(
    base,
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Create a Conditional Access policy (Graph JSON; an Entra export pastes in)',
        querystring: confirmQuerySchema,
        body: policyBodySchema,
        response: { 201: policyResponse },
      },
    },
    async (request, reply) => {
      const { policy } = await createConditionalAccessPolicy(db, contextOf(request), request.body, request.query.confirmLockout === 'true');
      return reply.code(201).header('location', `${deps.config.publicUrl.origin}/api/v1${base}/${policy.id}`).send(policy);
    },
  );

  r.patch(
    `${base}/:id`,
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Update a Conditional Access policy',
        params,
        querystring: confirmQuerySchema,
        body: policyBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await updateConditionalAccessPolicy(db, contextOf(request), request.params.id, request.body, request.query.confirmLockout === 'true');
      return reply.code(204).send(null);
    },
  );

  r.delete(
    `${base}/:id`,
    {
      onRequest: write,
      schema: { tags, summary: 'Delete a Conditional Access policy', params, querystring: confirmQuerySchema, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteConditionalAccessPolicy(db, contextOf(request), request.params.id, request.query.confirmLockout === 'true');
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/identity/conditionalAccess/evaluate',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'What If: which policies apply to a described sign-in, and why (Graph beta shape)',
        body: whatIfRequestSchema,
        response: { 200: collection },
      },
    },
    async (request) => ({
      '@odata.context': `${deps.config.publicUrl.origin}/api/v1/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)`,
      value: await whatIf(db, request.body),
    }),
  );

  r.post(
    '/identity/conditionalAccess/analyze',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'Lockout analysis: every user × every app and the registration action (Latchkey)',
        querystring: z.object({
          async: z.enum(['true', 'false']).optional().describe('true: start a job and poll GET …/analyze/{id} for progress'),
        }),
        response: { 200: z.looseObject({ userCount: z.number() }), 202: job },
      },
    },
    async (request, reply) => {
      if (request.query.async === 'true') return reply.code(202).send(jobView(startAnalysisJob(db)));
      return reply.code(200).send(await analyzeLockout(db));
    },
  );

  r.get(
    '/identity/conditionalAccess/analyze/:id',
    { onRequest: read, schema: { tags, summary: 'Progress and result of a lockout analysis job', params, response: { 200: job } } },
    async (request) => {
      const found = findAnalysisJob(request.params.id);
      if (!found) throw notFound('analysisJob', request.params.id);
      return jobView(found);
    },
  );
}

const policyResponse = z.looseObject({
  id: z.string(),
  displayName: z.string(),
  state: z.string(),
  conditions: z.looseObject({}),
  grantControls: z.looseObject({}).nullable(),
});
const collection = z.looseObject({ '@odata.context': z.string(), value: z.array(z.looseObject({ id: z.string() })) });
const job = z.looseObject({
  id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  processedUsers: z.number(),
  totalUsers: z.number(),
});
const jobView = (j: ReturnType<typeof startAnalysisJob>) => ({ ...j });
