import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.ts';
import { deleteSoftwareMethod, getSoftwareMethod, listSoftwareMethods } from '../../methods/oath/enrollSoftwareToken.ts';
import { softwareOathMethod } from '../../methods/oath/schemas.ts';
import { registerUserMethodCollection } from './user-method-routes.ts';

/**
 * A user's authenticator apps (Graph v1.0 softwareOathAuthenticationMethod: list/get/delete,
 * entra-spec §6.3). Registration is self-service (My Security Info, `http/me/oath.ts`); the seed
 * is never returned here (`secretKey` is always null).
 */
export async function registerSoftwareOathMethodRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  registerUserMethodCollection(api, deps, {
    path: '/users/:userId/authentication/softwareOathMethods',
    tags: ['softwareOathMethods'],
    item: softwareOathMethod,
    summaries: {
      list: "List a user's authenticator apps (software OATH)",
      get: "Get one of a user's authenticator apps",
      delete: "Delete one of a user's authenticator apps",
    },
    deleted: 'Deleted',
    list: listSoftwareMethods,
    get: getSoftwareMethod,
    remove: deleteSoftwareMethod,
  });
}
