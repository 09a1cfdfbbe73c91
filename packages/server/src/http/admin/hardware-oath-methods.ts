import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { assignDevice, unassignDevice } from '../../methods/oath/devices.ts';
import { activateToken } from '../../methods/oath/activateToken.ts';
import { getHardwareMethod, listHardwareMethods } from '../../methods/oath/hardwareMethods.ts';
import { verifyOathCode } from '../../methods/oath/verifyOathCode.ts';
import { userIdOf } from '../../methods/oath/devices.ts';
import { hardwareOathMethod, verificationBody } from '../../methods/oath/schemas.ts';
import { methodParams, registerUserMethodCollection, userParams } from './user-method-routes.ts';

/**
 * A user's hardware OATH tokens (Graph beta hardwareOathAuthenticationMethod, entra-spec §6.3):
 *   GET    /users/{id}/authentication/hardwareOathMethods
 *   POST   /users/{id}/authentication/hardwareOathMethods {"device":{"id"}}   assign → 201
 *   GET    /users/{id}/authentication/hardwareOathMethods/{methodId}
 *   DELETE /users/{id}/authentication/hardwareOathMethods/{methodId}          unassign → 204
 *   POST   /users/{id}/authentication/hardwareOathMethods/{methodId}/activate {"verificationCode","displayName"?} → 204
 *   POST   /users/{id}/authentication/verifyOathCode {"code"} → 200 {ok, method?, methodId?, reason?}
 * The method id is the device id. `verifyOathCode` (Latchkey extension, like privacyIDEA's
 * /validate/check) lets a trusted integration (a RADIUS or VPN gateway) check a user's code with
 * the same replay, drift and lockout rules as sign-in; it needs UserAuthenticationMethod.ReadWrite.All.
 */
export async function registerHardwareOathMethodRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['hardwareOathMethods'];
  const base = '/users/:userId/authentication/hardwareOathMethods';
  registerUserMethodCollection(api, deps, {
    path: base,
    tags,
    item: hardwareOathMethod,
    summaries: {
      list: "List a user's hardware OATH tokens",
      get: "Get one of a user's hardware OATH tokens",
      delete: 'Unassign a hardware OATH token (it returns to the inventory as available)',
    },
    deleted: 'Unassigned',
    list: listHardwareMethods,
    get: getHardwareMethod,
    remove: (conn, ctx, userId, methodId) => unassignDevice(conn, ctx, methodId, userId),
  });

  r.post(
    base,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: 'Assign a hardware OATH token to the user',
        params: userParams,
        body: z.strictObject({ device: z.strictObject({ id: z.string().min(1).max(64) }) }),
        response: { 201: hardwareOathMethod },
      },
    },
    async (request, reply) => {
      await assignDevice(db, contextOf(request), request.body.device.id, request.params.userId);
      return reply.code(201).send(await getHardwareMethod(db, request.params.userId, request.body.device.id));
    },
  );

  r.post(
    `${base}/:methodId/activate`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: "Activate the user's token with the code it shows now",
        params: methodParams,
        body: verificationBody,
        response: { 204: z.null().describe('Activated') },
      },
    },
    async (request, reply) => {
      await activateToken({ db, envelope: deps.envelope }, contextOf(request), {
        tokenId: request.params.methodId,
        userKey: request.params.userId,
        kind: 'hardware',
        verificationCode: request.body.verificationCode,
        displayName: request.body.displayName ?? undefined,
      });
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/users/:userId/authentication/verifyOathCode',
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: "Check a code from one of the user's activated OATH tokens (replay-protected; counts towards lockout)",
        params: userParams,
        body: z.strictObject({ code: z.string().min(1).max(16) }),
        response: {
          200: z.object({
            ok: z.boolean(),
            method: z.enum(['hardwareOath', 'softwareOath']).optional(),
            methodId: z.string().optional(),
            reason: z.string().optional(),
          }),
        },
      },
    },
    async (request) => {
      // Hot path: a user id goes straight to the check; a UPN (or an id with no method) is looked up, 404 when unknown.
      const key = request.params.userId;
      const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key);
      let r = byId ? await verifyOathCode({ db, envelope: deps.envelope, userId: key, code: request.body.code }) : undefined;
      if (!r || (!r.ok && r.reason === 'OathNoMethod'))
        r = await verifyOathCode({ db, envelope: deps.envelope, userId: (await userIdOf(db, key)).id, code: request.body.code });
      return r.ok ? { ok: true, method: r.method, methodId: r.methodId } : { ok: false, reason: r.reason };
    },
  );
}
