import type { FastifyRequest } from 'fastify';
import type { SignInContext } from '../../signin/client-app.ts';
import type { RequestFacts } from '../../signin/registration-interrupt.ts';

/** Sign-in requests act as nobody yet: audit entries name the sign-in service and the client IP. */
export function ctxOf(request: FastifyRequest): SignInContext {
  return {
    principal: { kind: 'system', id: 'signin', displayName: 'Sign-in', roles: [], scopes: [] },
    correlationId: String(request.id),
    ipAddress: request.ip ?? null,
    userAgent: request.headers['user-agent'], // the sign-in log's clientAppUsed (signin/client-app.ts)
  };
}

/** What Conditional Access sees of the request: the client IP and the User-Agent. */
export function factsOf(request: FastifyRequest): RequestFacts {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] };
}
