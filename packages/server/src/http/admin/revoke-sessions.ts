import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { requiresMe } from '../me/auth.ts';
import { revokeSignInSessions } from '../../directory/revoke-sessions.ts';

/** Graph's answer: `{ "@odata.context": "…$metadata#Edm.Boolean", "value": true }` (G `user-revokesigninsessions.md`). */
const response = z.object({ '@odata.context': z.string(), value: z.literal(true) });

/**
 * Sign-in session revocation (ADR 0017):
 *   POST /users/{id | userPrincipalName}/revokeSignInSessions   (User.RevokeSessions.All; user administrators)
 *   POST /me/revokeSignInSessions                              ("Sign out everywhere" in My Security Info)
 * Both answer 200 `{ value: true }`; refresh tokens and SSO sessions from earlier sign-ins stop working.
 */
export async function registerRevokeSessionRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.db;
  const tags = ['users'];
  const body = { '@odata.context': `${deps.config.publicUrl.origin}/api/v1/$metadata#Edm.Boolean`, value: true as const };

  r.post(
    '/users/:userId/revokeSignInSessions',
    {
      onRequest: requires(deps.tokens, 'users.revokeSessions'),
      schema: {
        tags,
        summary: "Revoke a user's refresh tokens and SSO sessions (sets signInSessionsValidFromDateTime)",
        params: z.object({ userId: z.string().min(1).max(320) }),
        response: { 200: response },
      },
    },
    async (request) => {
      await revokeSignInSessions(db, contextOf(request), request.params.userId);
      return body;
    },
  );

  r.post(
    '/me/revokeSignInSessions',
    {
      onRequest: requiresMe(deps.tokens),
      schema: { tags: ['me'], summary: 'Sign out everywhere: revoke my refresh tokens and SSO sessions', response: { 200: response } },
    },
    async (request) => {
      await revokeSignInSessions(db, contextOf(request), request.principal!.id, { self: true });
      return body;
    },
  );
}
