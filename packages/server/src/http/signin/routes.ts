import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { RateLimiter } from '../rate-limit.ts';
import { rateLimitersOf } from '../rate-limiters.ts';
import type { SignInDeps } from '../../signin/deps.ts';
import { SignInError } from '../../signin/errors.ts';
import { applyEvents } from '../../signin/flows.ts';
import { startFlowForInteraction } from '../../signin/session-step-up.ts';
import { acrForFlow } from '../../signin/acr.ts';
import { identify } from '../../signin/identify.ts';
import { passkeyOptions, passkeyVerify } from '../../signin/passkey-step.ts';
import { passwordVerify } from '../../signin/password-step.ts';
import { finishLogin, grantConsent, interactionOf, refuseSilently, leanFlowOf, leanInteractionOf } from '../../signin/interaction.ts';
import type { StoredFlow } from '../../signin/repository.ts';
import { forProvider } from '../../oidc/mount.ts';
import { flowView, flowViewSchema, uidParams } from './schemas.ts';
import { registerTapSignInRoutes } from './tap-routes.ts';
import { registrationInterrupt } from '../../signin/registration-interrupt.ts';
import { enforceAccess } from '../../signin/ca-step.ts';
import { registerOathSignInRoutes } from './oath-routes.ts';
import { newChallenge, type IssuedChallenge } from '../../methods/passkey/challenges.ts';
import { ctxOf, factsOf } from './request-context.ts';
import { returnErrorOf, returnToApp } from '../../signin/return-to-app.ts';
import { loadCompiledPolicies } from '../../policy/conditional-access/load.ts';

export interface SignInRouteDeps extends SignInDeps {
  provider: () => Provider;
  /** The public URL: raw requests are handed to the provider through `forProvider` (oidc/mount.ts). */
  publicUrl: URL;
  /** The provider's cookie keys (`oidc/interaction-cookie.ts`): the page's calls after `start` check the interaction cookie themselves. */
  cookieKeys: readonly string[];
  /** Calls per client IP per minute on the sign-in endpoints (default 300: an office behind one NAT address signs in together). */
  perIpPerMinute?: number;
  /** Verification attempts per entered account per minute (default 30); lockout is separate. */
  perAccountPerMinute?: number;
}

/**
 * The JSON endpoints of the sign-in page at `/signin/{uid}` (the oidc-provider interaction).
 * They live under the page's path so the browser sends the provider's `_interaction` cookie,
 * which proves the interaction belongs to this browser. Every answer is the flow's view; a
 * finished flow answers `redirectTo` (the provider's resume URL).
 */
export async function registerSignInRoutes(app: FastifyInstance, deps: SignInRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const perIp = rateLimitersOf(app).create('signin.ip', { limit: deps.perIpPerMinute ?? 300, windowMs: 60_000 });
  const perAccount = rateLimitersOf(app).create('signin.account', { limit: deps.perAccountPerMinute ?? 30, windowMs: 60_000 });
  const tags = ['sign-in'];
  const response = { 200: flowViewSchema };

  /**
   * The interaction (cookie-checked) and its flow; a consent prompt is answered at once. Calls
   * after `start` take the lean path when it applies (`leanFlowOf`: one statement, no Koa context).
   */
  const load = async (request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply, lean = true, challenge?: IssuedChallenge) => {
    take(perIp, `ip:${request.ip}`);
    const existing = lean ? await leanFlowOf(deps, deps.cookieKeys, request.raw, request.params.uid, challenge) : undefined;
    // The interaction's login_hint matters to `start` only.
    if (existing) return { flow: existing.flow, loginHint: null, ...(existing.issued ? { issued: existing.issued } : {}) };
    const info = await interactionOf(deps.provider(), forProvider(request, deps.publicUrl), reply.raw, request.params.uid);
    if (info.prompt === 'consent')
      return { redirectTo: await grantConsent(deps.provider(), forProvider(request, deps.publicUrl), reply.raw) };
    // A step-up inside an SSO session starts from the session's methods and asks only for what is missing (signin/session-step-up.ts).
    const flow = await startFlowForInteraction(deps, deps.provider(), ctxOf(request), info, factsOf(request));
    return { flow, loginHint: info.loginHint };
  };
  /** A step on a flow that is not finished yet (a consent prompt, answered by `start`, is). */
  const unfinished = async (request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply, challenge?: IssuedChallenge) => {
    const l = await load(request, reply, true, challenge);
    if ('redirectTo' in l) throw new SignInError('wrongStep', 'This sign-in is already finished.');
    return l;
  };
  const answer = async (request: FastifyRequest, reply: FastifyReply, flow: StoredFlow) => {
    if (flow.state !== 'complete') return flowView(flow);
    const acr = await acrForFlow(deps, flow, factsOf(request));
    return {
      ...flowView(flow),
      redirectTo: await finishLogin(deps.provider(), forProvider(request, deps.publicUrl), reply.raw, flow, acr),
    };
  };
  const verifying = (flow: StoredFlow) => flow.accountKey && take(perAccount, flow.accountKey);

  /**
   * A silent request's interaction (prompt=none for offline_access, oidc/offline-access.ts): answered
   * with a redirect and never a page. The consent prompt is granted as on the page; any other prompt
   * (no session, a revoked one, a step-up) goes back to the app as `login_required` or
   * `interaction_required`. No flow starts. An interaction that is not silent gets a 400.
   */
  r.get(
    '/signin/:uid/silent',
    { schema: { tags, summary: "A silent request's interaction, answered with a redirect", params: uidParams } },
    async (request, reply) => {
      take(perIp, `ip:${request.ip}`);
      const raw = forProvider(request, deps.publicUrl);
      const info = await interactionOf(deps.provider(), raw, reply.raw, request.params.uid);
      if (!info.silent) throw new SignInError('wrongStep', 'This sign-in is not a silent one; open it from the app.');
      const to = info.prompt === 'consent' ? await grantConsent(deps.provider(), raw, reply.raw) : await refuseSilently(deps.provider(), raw, reply.raw, info.prompt);
      reply.header('cache-control', 'no-store');
      return reply.redirect(to, 303);
    },
  );

  r.post(
    '/signin/:uid/api/start',
    {
      schema: {
        tags,
        summary: 'Load (or start) the sign-in flow of an interaction',
        params: uidParams,
        body: z.object({}).strict().optional(),
        response,
      },
    },
    async (request, reply) => {
      const l = await load(request, reply, false);
      if ('redirectTo' in l) return { state: 'complete' as const, methods: [], username: null, failures: 0, redirectTo: l.redirectTo };
      return { ...(await answer(request, reply, l.flow)), loginHint: l.loginHint };
    },
  );

  r.post(
    '/signin/:uid/api/identify',
    {
      schema: {
        tags,
        summary: 'Username-first: enter the account name',
        params: uidParams,
        body: z.object({ username: z.string().trim().min(1).max(256) }).strict(),
        response,
      },
    },
    async (request, reply) => {
      const l = await unfinished(request, reply);
      return answer(request, reply, await identify(deps, l.flow, request.body.username));
    },
  );

  r.post(
    '/signin/:uid/api/restart',
    { schema: { tags, summary: 'Use another account', params: uidParams, body: z.object({}).strict().optional(), response } },
    async (request, reply) => {
      const l = await unfinished(request, reply);
      return answer(request, reply, await applyEvents(deps, l.flow, [{ type: 'restart' }]));
    },
  );

  r.post(
    '/signin/:uid/api/return',
    {
      schema: {
        tags,
        summary: 'Go back to the app from a sign-in that ended without success (the app gets an OAuth error)',
        params: uidParams,
        body: z.object({}).strict().optional(),
        response,
      },
    },
    async (request, reply) => {
      const l = await unfinished(request, reply);
      const compiled = await loadCompiledPolicies(deps.db);
      const error = returnErrorOf(l.flow, compiled.strengths);
      return { ...flowView(l.flow), redirectTo: await returnToApp(deps.provider(), forProvider(request, deps.publicUrl), reply.raw, l.flow, error) };
    },
  );

  r.post(
    '/signin/:uid/api/passkey/options',
    {
      schema: {
        tags,
        summary: 'WebAuthn request options: usernameless before a name is entered, username-first after',
        params: uidParams,
        body: z.object({}).strict().optional(),
        response: { 200: flowViewSchema.extend({ options: z.record(z.string(), z.unknown()) }) },
      },
    },
    async (request, reply) => {
      // A usernameless challenge, stored with the flow read when the flow is still at `identify` (signin/interaction-repository.ts).
      const l = await unfinished(request, reply, newChallenge({ purpose: 'authentication', userId: null, rpId: deps.rp.id }));
      const { flow, options } = await passkeyOptions(deps, l.flow, 'issued' in l ? l.issued : undefined);
      return { ...flowView(flow), options: options as unknown as Record<string, unknown> };
    },
  );

  r.post(
    '/signin/:uid/api/passkey/verify',
    {
      schema: {
        tags,
        summary: 'Verify a WebAuthn assertion (PublicKeyCredential JSON)',
        params: uidParams,
        body: z.object({ response: z.record(z.string(), z.unknown()) }).strict(),
        response,
      },
    },
    async (request, reply) => {
      const l = await unfinished(request, reply);
      verifying(l.flow);
      const facts = factsOf(request);
      const lean = leanInteractionOf(request.raw);
      const { flow, subject, redirectTo } = await passkeyVerify(
        deps,
        ctxOf(request),
        l.flow,
        request.body.response,
        lean && { interaction: lean, facts },
      );
      if (redirectTo) return { ...flowView(flow), redirectTo }; // finished at once (signin/passkey-completion.ts)
      return answer(request, reply, await enforceAccess(deps, ctxOf(request), flow, facts, { subject }));
    },
  );

  r.post(
    '/signin/:uid/api/password',
    {
      schema: {
        tags,
        summary: 'Verify a password (legacy method)',
        params: uidParams,
        body: z.object({ password: z.string().min(1).max(1024) }).strict(),
        response,
      },
    },
    async (request, reply) => {
      const l = await unfinished(request, reply);
      verifying(l.flow);
      const facts = factsOf(request);
      return answer(
        request,
        reply,
        await registrationInterrupt(
          deps,
          await enforceAccess(deps, ctxOf(request), await passwordVerify(deps, ctxOf(request), l.flow, request.body.password), facts),
          facts,
        ),
      );
    },
  );

  await registerTapSignInRoutes(app, deps); // TAP and the registration interrupt (issue 4)
  await registerOathSignInRoutes(app, deps, { unfinished, answer }); // OATH code as second factor after Conditional Access (issue 4 item 4, issue 5)
}

function take(limiter: RateLimiter, key: string): void {
  const d = limiter.take(key);
  if (!d.allowed)
    throw new SignInError('tooManyAttempts', `Too many attempts. Wait ${d.retryAfterSeconds} seconds and try again.`, {
      details: { retryAfterSeconds: d.retryAfterSeconds },
    });
}
