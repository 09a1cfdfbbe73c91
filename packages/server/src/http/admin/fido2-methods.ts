import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { deleteFido2Method, getFido2Method, listFido2Methods } from '../../methods/passkey/fido2-methods.ts';

/**
 * A user's passkeys in Graph's shape (G fido2authenticationmethod, entra-spec §5.3):
 *   GET    /users/{id|userPrincipalName}/authentication/fido2Methods
 *   GET    /users/{id}/authentication/fido2Methods/{methodId}
 *   DELETE /users/{id}/authentication/fido2Methods/{methodId} → 204
 * Registration happens in the browser ceremonies (sign-in flow, My Security Info), not here.
 * Never returns key material.
 */
export async function registerFido2MethodRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['fido2Methods'];
  const userParams = z.object({ userId: z.string().min(1).max(320) });
  const methodParams = userParams.extend({ methodId: z.string().min(1).max(64) });

  r.get('/users/:userId/authentication/fido2Methods', {
    onRequest: requires(deps.tokens, 'userAuthMethods.read'),
    schema: { tags, summary: "List a user's passkeys (FIDO2 methods)", params: userParams, response: { 200: z.object({ value: z.array(fido2Method) }) } },
  }, async (request) => ({ value: await listFido2Methods(db, request.params.userId) }));

  r.get('/users/:userId/authentication/fido2Methods/:methodId', {
    onRequest: requires(deps.tokens, 'userAuthMethods.read'),
    schema: { tags, summary: "Get one of a user's passkeys", params: methodParams, response: { 200: fido2Method } },
  }, async (request) => getFido2Method(db, request.params.userId, request.params.methodId));

  r.delete('/users/:userId/authentication/fido2Methods/:methodId', {
    onRequest: requires(deps.tokens, 'userAuthMethods.write'),
    schema: { tags, summary: "Delete one of a user's passkeys", params: methodParams, response: { 204: z.null().describe('Deleted') } },
  }, async (request, reply) => {
    await deleteFido2Method(db, contextOf(request), request.params.userId, request.params.methodId);
    return reply.code(204).send(null);
  });
}

const fido2Method = z.object({
  '@odata.type': z.literal('#microsoft.graph.fido2AuthenticationMethod'),
  id: z.string(),
  displayName: z.string(),
  createdDateTime: z.string(),
  aaGuid: z.string(),
  model: z.string().nullable().describe('Authenticator name from imported FIDO metadata, when known'),
  attestationCertificates: z.array(z.string()).describe('SHA-1 thumbprints of the attestation certificates'),
  attestationLevel: z.enum(['attested', 'notAttested']),
  passkeyType: z.enum(['deviceBound', 'synced']),
  lastUsedDateTime: z.string().nullable(),
});
