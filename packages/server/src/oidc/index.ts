import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.ts';
import type { TokenVerifier } from '../http/context.ts';
import { ApiError } from '../errors.ts';

/** PLACEHOLDER until the OIDC module lands: rejects every token. */
export interface Oidc {
  tokens: TokenVerifier;
  mount(app: FastifyInstance): Promise<void>;
}

export async function createOidc(_rt: Runtime): Promise<Oidc> {
  return {
    tokens: { verify: async () => { throw new ApiError('InvalidAuthenticationToken', 'token verification unavailable'); } },
    mount: async () => {},
  };
}
