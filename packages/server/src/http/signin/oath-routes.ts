import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enforceAccess } from '../../signin/ca-step.ts';
import { oathVerify } from '../../signin/oath-step.ts';
import { registrationInterrupt } from '../../signin/registration-interrupt.ts';
import type { StoredFlow } from '../../signin/repository.ts';
import { flowViewSchema, uidParams } from './schemas.ts';
import type { SignInRouteDeps } from './routes.ts';
import { ctxOf, factsOf } from './request-context.ts';

type Helpers = {
  /** The flow of the page, refused when it is already finished (routes.ts `unfinished`). */
  unfinished: (request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) => Promise<{ flow: StoredFlow }>;
  answer: (request: FastifyRequest, reply: FastifyReply, flow: StoredFlow) => Promise<unknown>;
};

/**
 * `POST /signin/{uid}/api/oath {code}`: a code from the user's hardware token or authenticator
 * app, offered in `chooseSecondFactor` when Conditional Access or per-user MFA needs more
 * (`signin/ca-step.ts`). After it verifies, Conditional Access is evaluated again.
 */
export async function registerOathSignInRoutes(app: FastifyInstance, deps: SignInRouteDeps, h: Helpers): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/signin/:uid/api/oath',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Verify a code from a hardware token or authenticator app (second factor)',
        params: uidParams,
        body: z.object({ code: z.string().trim().regex(/^[0-9 ]{6,10}$/, 'A code is 6 or 8 digits') }).strict(),
        response: { 200: flowViewSchema },
      },
    },
    async (request, reply) => {
      const l = await h.unfinished(request, reply);
      const ctx = ctxOf(request);
      const facts = factsOf(request);
      const done = await oathVerify(deps, ctx, l.flow, request.body.code);
      return h.answer(request, reply, await registrationInterrupt(deps, await enforceAccess(deps, ctx, done, facts), facts)) as never;
    },
  );
}
