import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, type AppDeps } from '../context.ts';
import { ApiError } from '../../errors.ts';
import { requiresMe } from './auth.ts';
import { relyingPartyFrom } from '../../methods/passkey/relying-party.ts';
import { generateRegistrationOptions } from '../../methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../methods/passkey/verifyRegistration.ts';
import { PASSKEY_LIMITS } from '../../methods/passkey/relying-party.ts';
import { deleteFido2Method, getFido2Method, listFido2Methods, renameFido2Method } from '../../methods/passkey/fido2-methods.ts';
import { listPasswordMethods } from '../../methods/password/listPasswordMethods.ts';
import { freshEnoughToChangeMethods } from '../../signin/freshness.ts';
import { tapAllowsMethodChange } from '../../methods/tap/sessions.ts';

/**
 * My Security Info's API (Graph `me/authentication`, entra-spec §5; G beta fido2 self-service
 * registration shape):
 *   GET    /me/authentication/methods
 *   GET    /me/authentication/fido2Methods/creationOptions   → { challengeTimeoutDateTime, publicKey }
 *   POST   /me/authentication/fido2Methods                   { displayName, publicKeyCredential } → 201
 *   PATCH  /me/authentication/fido2Methods/{id}              { displayName } (Latchkey extension)
 *   DELETE /me/authentication/fido2Methods/{id}              → 204
 * Adding or deleting needs a fresh sign-in (entra-spec §7.6): else 403 with
 * `details.reason` `signInTooOld` | `strongerSignInRequired` — the page then signs in again
 * with `prompt=login&max_age=300`.
 */
export async function registerMeRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const passkeys = { db, rp: relyingPartyFrom(deps.config) };
  const onRequest = requiresMe(deps.tokens);
  const tags = ['me'];
  const me = (request: FastifyRequest) => request.principal!.id;
  const assertFresh = async (request: FastifyRequest) => {
    if (await tapAllowsMethodChange(db, me(request), request.signIn?.authTime)) return; // one-time TAP: 10-minute registration window; ended TAP → 401 (docs/tap.md)
    const hasPasskey = (await listFido2Methods(db, me(request))).length > 0;
    const d = freshEnoughToChangeMethods({ auth_time: request.signIn?.authTime, amr: request.signIn?.amr }, hasPasskey, new Date());
    if (!d.ok) throw new ApiError('Authorization_RequestDenied', d.message, { details: { reason: d.reason } });
  };
  const methodParams = z.object({ methodId: z.string().min(1).max(64) });

  r.get('/me/authentication/methods', { onRequest, schema: { tags, summary: 'My sign-in methods (Graph authenticationMethod collection)', response: { 200: z.object({ value: z.array(z.record(z.string(), z.unknown())) }) } } }, async (request) => {
    const fido2 = await listFido2Methods(db, me(request));
    const passwords = (await listPasswordMethods(db, me(request))).map((p) => ({ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', ...p }));
    return { value: [...passwords, ...fido2] as Array<Record<string, unknown>> };
  });

  r.get('/me/authentication/fido2Methods/creationOptions', {
    onRequest,
    schema: { tags, summary: 'WebAuthn creation options for a new passkey (Graph beta webauthnCredentialCreationOptions)', response: { 200: z.object({ challengeTimeoutDateTime: z.string(), publicKey: z.record(z.string(), z.unknown()) }) } },
  }, async (request) => {
    await assertFresh(request);
    const publicKey = await generateRegistrationOptions(passkeys, { userId: me(request), mode: 'selfService' });
    return { challengeTimeoutDateTime: new Date(Date.now() + PASSKEY_LIMITS.challengeTtlMs).toISOString(), publicKey: publicKey as unknown as Record<string, unknown> };
  });

  r.post('/me/authentication/fido2Methods', {
    onRequest,
    schema: {
      tags,
      summary: 'Register a passkey from a WebAuthn attestation response',
      body: z.object({ displayName: z.string().trim().min(1).max(200).optional(), publicKeyCredential: z.record(z.string(), z.unknown()) }).strict(),
      response: { 201: z.record(z.string(), z.unknown()) },
    },
  }, async (request, reply) => {
    await assertFresh(request);
    const { credential } = await verifyRegistration(passkeys, contextOf(request), {
      response: request.body.publicKeyCredential as never,
      expectedUserId: me(request),
      ...(request.body.displayName ? { displayName: request.body.displayName } : {}),
    });
    return reply.code(201).send((await getFido2Method(db, me(request), credential.id)) as unknown as Record<string, unknown>);
  });

  r.patch('/me/authentication/fido2Methods/:methodId', {
    onRequest,
    schema: { tags, summary: 'Rename one of my passkeys', params: methodParams, body: z.object({ displayName: z.string().min(1).max(200) }).strict(), response: { 200: z.record(z.string(), z.unknown()) } },
  }, async (request) => (await renameFido2Method(db, contextOf(request), me(request), request.params.methodId, request.body.displayName)) as unknown as Record<string, unknown>);

  r.delete('/me/authentication/fido2Methods/:methodId', {
    onRequest,
    schema: { tags, summary: 'Delete one of my passkeys', params: methodParams, response: { 204: z.null().describe('Deleted') } },
  }, async (request, reply) => {
    await assertFresh(request);
    await deleteFido2Method(db, contextOf(request), me(request), request.params.methodId);
    return reply.code(204).send(null);
  });
}
