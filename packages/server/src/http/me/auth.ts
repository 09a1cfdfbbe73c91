import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { ApiError } from '../../errors.ts';
import { accessTokenOf, type TokenVerifier } from '../context.ts';
import { ME_SCOPE } from '../../signin/token-claims.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Sign-in facts of a verified `/me` token: when and how the user signed in. */
    signIn?: { authTime?: number; amr?: string[] };
  }
}

/**
 * onRequest hook of `/me/*`: a valid user token of My Security Info (`scp` has `Latchkey.Me`) or of
 * the Control Center; the caller may act only on themselves, so no directory role is needed.
 * The token's `auth_time`/`amr` are read after the verifier has checked its signature.
 */
export function requiresMe(tokens: TokenVerifier) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const { token, presentation } = accessTokenOf(request);
    const principal = await tokens.verify(token, presentation);
    if (principal.kind !== 'user') throw new ApiError('Authorization_RequestDenied', '/me is only for signed-in users.');
    if (!principal.scopes.includes(ME_SCOPE) && !principal.scopes.includes('UserAuthenticationMethod.ReadWrite.All'))
      throw new ApiError('Authorization_RequestDenied', `The token lacks the ${ME_SCOPE} permission; sign in to My Security Info.`);
    const claims = decodeJwt(token);
    request.principal = principal;
    request.signIn = {
      ...(typeof claims.auth_time === 'number' ? { authTime: claims.auth_time } : {}),
      ...(Array.isArray(claims.amr) ? { amr: claims.amr.filter((x): x is string => typeof x === 'string') } : {}),
    };
  };
}
