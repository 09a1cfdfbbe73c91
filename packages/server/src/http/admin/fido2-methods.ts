import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../context.ts';
import { deleteFido2Method, getFido2Method, listFido2Methods } from '../../methods/passkey/fido2-methods.ts';
import { registerUserMethodCollection } from './user-method-routes.ts';

/**
 * A user's passkeys in Graph's shape (G fido2authenticationmethod, entra-spec §5.3):
 *   GET    /users/{id|userPrincipalName}/authentication/fido2Methods
 *   GET    /users/{id}/authentication/fido2Methods/{methodId}
 *   DELETE /users/{id}/authentication/fido2Methods/{methodId} → 204
 * Registration happens in the browser ceremonies (sign-in flow, My Security Info), not here.
 * Never returns key material.
 */
export async function registerFido2MethodRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  registerUserMethodCollection(api, deps, {
    path: '/users/:userId/authentication/fido2Methods',
    tags: ['fido2Methods'],
    item: fido2Method,
    summaries: {
      list: "List a user's passkeys (FIDO2 methods)",
      get: "Get one of a user's passkeys",
      delete: "Delete one of a user's passkeys",
    },
    deleted: 'Deleted',
    list: listFido2Methods,
    get: getFido2Method,
    remove: deleteFido2Method,
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
