import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/load.ts';
import type { Store } from '../store/database.ts';
import type { Envelope } from '../secrets/envelope.ts';
import type { Principal, RequestContext } from '../auth/principal.ts';
import { assertPermission, type Permission } from '../auth/permissions.ts';
import { ApiError } from '../errors.ts';
import type { Logger } from 'pino';

/** Verifies an admin-API bearer token and says who it speaks for. Throws ApiError 401 otherwise. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** What route modules may use. Each route module takes only what it needs from this. */
export interface AppDeps {
  config: Config;
  store: Store;
  envelope: Envelope;
  logger: Logger;
  tokens: TokenVerifier;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * onRequest hook: a valid bearer token holding the permission, else 401/403. Runs before the body
 * is parsed and validated, so an anonymous caller learns nothing from validation errors.
 */
export function requires(tokens: TokenVerifier, permission: Permission) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header) : null;
    if (!match?.[1]) throw new ApiError('InvalidAuthenticationToken', 'Access token is empty or malformed; send Authorization: Bearer <token>.');
    const principal = await tokens.verify(match[1]);
    assertPermission(principal, permission);
    request.principal = principal;
  };
}

/** The request's actor, correlation id and client IP, for domain calls and audit entries. */
export function contextOf(request: FastifyRequest): RequestContext {
  if (!request.principal) throw new ApiError('InvalidAuthenticationToken', 'Authentication required.');
  const clientRequestId = request.headers['client-request-id'];
  return {
    principal: request.principal,
    correlationId: typeof clientRequestId === 'string' && /^[\w-]{1,64}$/.test(clientRequestId) ? clientRequestId : String(request.id),
    ipAddress: request.ip ?? null,
  };
}
