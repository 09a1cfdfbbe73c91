import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/load.ts';
import type { Store } from '../store/database.ts';
import type { Envelope } from '../secrets/envelope.ts';
import type { Principal, RequestContext } from '../auth/principal.ts';
import { assertPermission, type Permission } from '../auth/permissions.ts';
import { ApiError } from '../errors.ts';
import type { Logger } from 'pino';
import type { Presentation } from '../oidc/dpop.ts';

/**
 * Verifies an admin-API access token and says who it speaks for. Throws ApiError 401 otherwise.
 * `presentation` says how the request carried it (scheme, DPoP proof); without it, as a bearer token.
 */
export interface TokenVerifier {
  verify(token: string, presentation?: Presentation): Promise<Principal>;
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
    const { token, presentation } = accessTokenOf(request);
    const principal = await tokens.verify(token, presentation);
    assertPermission(principal, permission);
    request.principal = principal;
  };
}

/**
 * The request's access token and how it came: `Authorization: Bearer <token>`, or `DPoP <token>`
 * with its `DPoP` proof header (RFC 9449 §7.1). Throws 401 when there is none.
 */
export function accessTokenOf(request: FastifyRequest): { token: string; presentation: Presentation } {
  const match = /^(Bearer|DPoP)\s+([A-Za-z0-9._~+/=-]+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[2]) throw new ApiError('InvalidAuthenticationToken', 'Access token is empty or malformed; send Authorization: Bearer <token>.');
  const dpop = request.headers.dpop;
  return {
    token: match[2],
    presentation: {
      scheme: match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer',
      // Node joins a repeated header with commas, which no JWT contains: each part is one proof.
      proofs: (Array.isArray(dpop) ? dpop : dpop === undefined ? [] : [dpop]).flatMap((v) => v.split(',')).map((v) => v.trim()),
      method: request.method,
      path: request.url.split('?')[0]!,
    },
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
