import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, type AppDeps } from '../context.ts';
import { ApiError } from '../../errors.ts';
import { requiresMe } from './auth.ts';
import { freshEnoughToChangeMethods } from '../../signin/freshness.ts';
import { listFido2Methods } from '../../methods/passkey/fido2-methods.ts';
import { deleteSoftwareMethod, enrollSoftwareToken, listSoftwareMethods } from '../../methods/oath/enrollSoftwareToken.ts';
import { activateToken } from '../../methods/oath/activateToken.ts';
import { resyncToken } from '../../methods/oath/resyncToken.ts';
import { listHardwareMethods } from '../../methods/oath/hardwareMethods.ts';
import { findTokenBySerial } from '../../methods/oath/repository.ts';
import { hardwareOathMethod, resyncBody, softwareOathMethod, verificationBody } from '../../methods/oath/schemas.ts';

/**
 * My Security Info: OATH self-service (entra-spec §6.3, §7.6):
 *   GET    /me/authentication/softwareOathMethods
 *   POST   /me/authentication/softwareOathMethods                 → 201 { method, secretKey, otpauthUri, qrCodeSvg } (seed shown once)
 *   POST   /me/authentication/softwareOathMethods/{id}/activate   { verificationCode } → 204
 *   DELETE /me/authentication/softwareOathMethods/{id}            → 204
 *   GET    /me/authentication/hardwareOathMethods
 *   POST   /me/authentication/hardwareOathMethods/activate        { serialNumber, verificationCode, displayName? } → 204
 *   POST   /me/authentication/hardwareOathMethods/{id}/resync     { code1, code2 } → 200 { drift }
 * Adding or deleting a method needs a fresh sign-in (5 minutes; with MFA when the user already
 * has an MFA method): else 403 `signInTooOld` | `strongerSignInRequired`, as for passkeys.
 */
export async function registerMeOathRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const oath = { db, envelope: deps.envelope };
  const onRequest = requiresMe(deps.tokens);
  const tags = ['me'];
  const me = (request: FastifyRequest) => request.principal!.id;
  const issuer = new URL(deps.config.publicUrl).hostname;
  const assertFresh = async (request: FastifyRequest) => {
    const mfaCapable =
      (await listFido2Methods(db, me(request))).length > 0 ||
      (await listHardwareMethods(db, me(request))).some((m) => m.device.status === 'activated') ||
      (await listSoftwareMethods(db, me(request))).some((m) => m.status === 'activated');
    const d = freshEnoughToChangeMethods({ auth_time: request.signIn?.authTime, amr: request.signIn?.amr }, mfaCapable, new Date());
    if (!d.ok) throw new ApiError('Authorization_RequestDenied', d.message, { details: { reason: d.reason } });
  };
  const idParams = z.object({ methodId: z.string().min(1).max(64) });

  r.get(
    '/me/authentication/softwareOathMethods',
    { onRequest, schema: { tags, summary: 'My authenticator apps', response: { 200: z.object({ value: z.array(softwareOathMethod) }) } } },
    async (request) => ({ value: await listSoftwareMethods(db, me(request)) }),
  );

  r.post(
    '/me/authentication/softwareOathMethods',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Start registering an authenticator app: a new 160-bit seed, its otpauth:// URI and QR code (shown once)',
        body: z.strictObject({ displayName: z.string().trim().min(1).max(200).optional() }).optional(),
        response: { 201: z.object({ method: softwareOathMethod, secretKey: z.string(), otpauthUri: z.string(), qrCodeSvg: z.string() }) },
      },
    },
    async (request, reply) => {
      await assertFresh(request);
      const e = await enrollSoftwareToken(oath, contextOf(request), {
        userKey: me(request),
        issuer,
        displayName: request.body?.displayName,
      });
      return reply.code(201).header('cache-control', 'no-store').send(e);
    },
  );

  r.post(
    '/me/authentication/softwareOathMethods/:methodId/activate',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Confirm an authenticator app with the code it shows',
        params: idParams,
        body: verificationBody,
        response: { 204: z.null().describe('Activated') },
      },
    },
    async (request, reply) => {
      await activateToken(oath, contextOf(request), {
        tokenId: request.params.methodId,
        userKey: me(request),
        kind: 'software',
        verificationCode: request.body.verificationCode,
        displayName: request.body.displayName ?? undefined,
      });
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/me/authentication/softwareOathMethods/:methodId',
    {
      onRequest,
      schema: { tags, summary: 'Delete one of my authenticator apps', params: idParams, response: { 204: z.null().describe('Deleted') } },
    },
    async (request, reply) => {
      await assertFresh(request);
      await deleteSoftwareMethod(db, contextOf(request), me(request), request.params.methodId);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/me/authentication/hardwareOathMethods',
    { onRequest, schema: { tags, summary: 'My hardware tokens', response: { 200: z.object({ value: z.array(hardwareOathMethod) }) } } },
    async (request) => ({ value: await listHardwareMethods(db, me(request)) }),
  );

  r.post(
    '/me/authentication/hardwareOathMethods/activate',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Activate a hardware token assigned to me: serial number and the code it shows now',
        body: verificationBody.extend({ serialNumber: z.string().trim().min(1).max(64) }),
        response: { 204: z.null().describe('Activated') },
      },
    },
    async (request, reply) => {
      await assertFresh(request);
      const row = await findTokenBySerial(db, request.body.serialNumber);
      // The same answer for "no such serial" and "someone else's token": no inventory probing.
      if (!row || row.kind !== 'hardware' || row.userId !== me(request))
        throw new ApiError('Request_ResourceNotFound', 'No hardware token with this serial number is assigned to you.');
      await activateToken(oath, contextOf(request), {
        tokenId: row.id,
        userKey: me(request),
        kind: 'hardware',
        verificationCode: request.body.verificationCode,
        displayName: request.body.displayName ?? undefined,
      });
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/me/authentication/hardwareOathMethods/:methodId/resync',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Resynchronise my drifted token with two consecutive codes',
        params: idParams,
        body: resyncBody,
        response: { 200: z.object({ drift: z.number().int() }) },
      },
    },
    async (request) =>
      resyncToken(oath, contextOf(request), {
        tokenId: request.params.methodId,
        userKey: me(request),
        code1: request.body.code1,
        code2: request.body.code2,
      }),
  );
}
