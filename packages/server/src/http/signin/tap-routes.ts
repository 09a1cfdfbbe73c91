import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RateLimiter } from '../rate-limit.ts';
import { rateLimitersOf } from '../rate-limiters.ts';
import { SignInError } from '../../signin/errors.ts';
import { startFlow } from '../../signin/flows.ts';
import { finishLogin, interactionOf } from '../../signin/interaction.ts';
import { acrForFlow } from '../../signin/acr.ts';
import type { StoredFlow } from '../../signin/repository.ts';
import { tapVerify } from '../../signin/tap-step.ts';
import { enforceAccess } from '../../signin/ca-step.ts';
import { registrationInterrupt } from '../../signin/registration-interrupt.ts';
import { registrationOptions, registrationStatus, registrationVerify, snoozeRegistration } from '../../signin/registration-step.ts';
import { flowView, flowViewSchema, uidParams } from './schemas.ts';
import type { SignInRouteDeps } from './routes.ts';
import { ctxOf, factsOf } from './request-context.ts';

const registrationSchema = z.object({
  kind: z.enum(['none', 'required', 'campaign']),
  reason: z.string().optional(),
  message: z.string().optional(),
  snoozesLeft: z.number().int().nullable().optional().describe('"Not now" answers left; null = unlimited'),
});

/**
 * The TAP and registration endpoints of the sign-in page (issue 4 items 6 and 7), beside
 * `routes.ts` and in the same style:
 *   POST /signin/{uid}/api/tap                    { pass }      verify a Temporary Access Pass
 *   POST /signin/{uid}/api/register/status        {}            the interrupt's need (required / nudge, snoozes left)
 *   POST /signin/{uid}/api/register/options       {}            WebAuthn creation options bound to the flow
 *   POST /signin/{uid}/api/register/verify        { response }  store the passkey, finish the sign-in
 *   POST /signin/{uid}/api/register/snooze        {}            "Not now" on the campaign's nudge
 */
export async function registerTapSignInRoutes(app: FastifyInstance, deps: SignInRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const perIp = rateLimitersOf(app).create('signin.tap.ip', { limit: deps.perIpPerMinute ?? 60, windowMs: 60_000 });
  const perAccount = rateLimitersOf(app).create('signin.tap.account', { limit: deps.perAccountPerMinute ?? 30, windowMs: 60_000 });
  const tags = ['sign-in'];
  const response = { 200: flowViewSchema.extend({ registration: registrationSchema.optional() }) };

  const load = async (request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<StoredFlow> => {
    take(perIp, `ip:${request.ip}`);
    const info = await interactionOf(deps.provider(), request.raw, reply.raw, request.params.uid);
    if (info.prompt === 'consent') throw new SignInError('wrongStep', 'This sign-in is already finished.');
    return startFlow(deps, { interactionUid: info.uid, clientId: info.clientId, deviceCode: info.deviceCode });
  };
  /** After verification: maybe the registration interrupt; a complete flow answers `redirectTo`. */
  const answer = async (request: FastifyRequest, reply: FastifyReply, flow: StoredFlow) => {
    if (flow.state === 'complete')
      return { ...flowView(flow), redirectTo: await finishLogin(deps.provider(), request.raw, reply.raw, flow, await acrForFlow(deps, flow, factsOf(request))) };
    const need = await registrationStatus(deps, flow, factsOf(request));
    return { ...flowView(flow), ...(need.kind === 'none' ? {} : { registration: need }) };
  };

  r.post(
    '/signin/:uid/api/tap',
    {
      schema: {
        tags,
        summary: 'Verify a Temporary Access Pass (offered only when the user has a usable one)',
        params: uidParams,
        body: z.object({ pass: z.string().trim().min(1).max(64) }).strict(),
        response,
      },
    },
    async (request, reply) => {
      const flow = await load(request, reply);
      if (flow.accountKey) take(perAccount, flow.accountKey);
      const done = await tapVerify(deps, ctxOf(request), flow, request.body.pass);
      return answer(
        request,
        reply,
        await registrationInterrupt(deps, await enforceAccess(deps, ctxOf(request), done, factsOf(request)), factsOf(request)),
      );
    },
  );

  r.post(
    '/signin/:uid/api/register/status',
    {
      schema: {
        tags,
        summary: 'Why this sign-in stops to set up a passkey (required, or the campaign nudge with snoozes left)',
        params: uidParams,
        body: z.object({}).strict().optional(),
        response,
      },
    },
    async (request, reply) => answer(request, reply, await load(request, reply)),
  );

  r.post(
    '/signin/:uid/api/register/options',
    {
      schema: {
        tags,
        summary: 'WebAuthn creation options for the registration interrupt',
        params: uidParams,
        body: z.object({}).strict().optional(),
        response: { 200: flowViewSchema.extend({ options: z.record(z.string(), z.unknown()) }) },
      },
    },
    async (request, reply) => {
      const flow = await load(request, reply);
      const options = await registrationOptions(deps, flow, factsOf(request));
      return { ...flowView(flow), options: options as unknown as Record<string, unknown> };
    },
  );

  r.post(
    '/signin/:uid/api/register/verify',
    {
      schema: {
        tags,
        summary: 'Register the passkey (attestation response JSON) and finish the sign-in',
        params: uidParams,
        body: z.object({ response: z.record(z.string(), z.unknown()) }).strict(),
        response,
      },
    },
    async (request, reply) => {
      const flow = await load(request, reply);
      // The new passkey was registered, not used: the app's policies are evaluated again, so a sign-in the TAP alone
      // could not complete now asks for the passkey (chooseSecondFactor) instead of finishing (no bypass by registering).
      const registered = await registrationVerify(deps, ctxOf(request), flow, request.body.response, factsOf(request));
      return answer(request, reply, await enforceAccess(deps, ctxOf(request), registered, factsOf(request)));
    },
  );

  r.post(
    '/signin/:uid/api/register/snooze',
    {
      schema: {
        tags,
        summary: '"Not now" on the registration campaign (counted; refused once the allowed snoozes are used)',
        params: uidParams,
        body: z.object({}).strict().optional(),
        response,
      },
    },
    async (request, reply) => answer(request, reply, await snoozeRegistration(deps, ctxOf(request), await load(request, reply))),
  );
}

function take(limiter: RateLimiter, key: string): void {
  const d = limiter.take(key);
  if (!d.allowed)
    throw new SignInError('tooManyAttempts', `Too many attempts. Wait ${d.retryAfterSeconds} seconds and try again.`, {
      details: { retryAfterSeconds: d.retryAfterSeconds },
    });
}
