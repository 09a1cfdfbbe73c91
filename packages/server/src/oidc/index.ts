import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.ts';
import type { TokenVerifier } from '../http/context.ts';
import { ensureSigningKeys, KEYS_CHANGED_CHANNEL } from './keys.ts';
import { listSigningKeys } from './keys-repository.ts';
import { adminApiAudience } from './access-token.ts';
import { createTokenVerifier } from './token-verifier.ts';

/** The OIDC module as the composition root sees it: the admin-API token verifier and the provider mount. */
export interface Oidc {
  tokens: TokenVerifier;
  mount(app: FastifyInstance): Promise<void>;
}

/**
 * Boots the OIDC module: signing keys (generated on first start), the admin-API token verifier
 * (its key cache dropped whenever any node NOTIFYs a key change), and the provider mount.
 */
export async function createOidc(rt: Runtime): Promise<Oidc> {
  const db = rt.store.db;
  await ensureSigningKeys(db, rt.envelope);
  const tokens = createTokenVerifier({
    db,
    issuer: rt.config.issuer,
    audience: adminApiAudience(rt.config.issuer),
    loadPublicKeys: async () => (await listSigningKeys(db, { status: 'active' })).map((k) => k.publicJwk),
  });
  await rt.store.listen(KEYS_CHANGED_CHANNEL, () => tokens.invalidate());
  return {
    tokens,
    mount: async () => {},
  };
}
