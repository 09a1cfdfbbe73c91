import { hkdfSync } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Runtime } from '../runtime.ts';
import type { TokenVerifier } from '../http/context.ts';
import { ensureSigningKeys, KEYS_CHANGED_CHANNEL, loadSigningKeys } from './keys.ts';
import { findActiveSigningKey, listSigningKeys } from './keys-repository.ts';
import { adminApiAudience } from './access-token.ts';
import { createTokenVerifier } from './token-verifier.ts';
import { onPrincipalChanged } from '../auth/principal-changes.ts';
import { PRINCIPAL_CHANGED_CHANNEL } from '../store/migrations/0014_principal_changes.ts';
import { createAdapterClass } from './adapter.ts';
import { appTokenClaims, createClientSource, verifyClientSecret } from './clients.ts';
import { createFindAccount } from './accounts.ts';
import { createProvider } from './provider.ts';
import { forProvider, mountProvider } from './mount.ts';
import { withFirstPartyClients } from '../signin/first-party.ts';
import { createUserTokenClaims } from '../signin/token-claims.ts';
import { createStepUpCheck } from '../signin/step-up.ts';
import { oidcCookieKeys } from './interaction-cookie.ts';
import { createRefreshCheck, createRefreshSignInRecorder, createSessionRevokedCheck } from './refresh-check.ts';
import { devicePolling } from './device-polling.ts';

/** The OIDC module as the composition root sees it. */
export interface Oidc {
  /** Verifies admin-API bearer tokens (CLI tokens and client-credentials tokens alike). */
  tokens: TokenVerifier;
  /** Stops listening for in-process principal changes (the node is closing). */
  close(): void;
  /** Mounts the provider: discovery, JWKS, token, authorization, userinfo, logout. */
  mount(app: FastifyInstance): Promise<void>;
  /**
   * The live provider, for the sign-in pages at `/signin/{uid}` (issue 3):
   * `provider().interactionDetails(oidc.raw(request), reply.raw)` then
   * `provider().interactionFinished(oidc.raw(request), reply.raw, { login: { accountId } })`.
   * Read it per request: it is rebuilt when signing keys change.
   */
  provider(): Provider;
  /** `request.raw` prepared for the provider (public scheme and host, client IP); see `forProvider`. */
  raw(request: FastifyRequest): FastifyRequest['raw'];
}

/**
 * Boots the OIDC module: signing keys (generated on first start), the admin-API token verifier,
 * and oidc-provider over the database. A key change on any node (NOTIFY on
 * KEYS_CHANGED_CHANNEL) drops the verifier's key cache and rebuilds the provider's keystore.
 */
export async function createOidc(rt: Runtime): Promise<Oidc> {
  const { config, envelope } = rt;
  const db = rt.store.db;
  await ensureSigningKeys(db, envelope);
  const audience = adminApiAudience(config.issuer);
  const tokens = createTokenVerifier({
    db,
    issuer: config.issuer,
    audience,
    loadPublicKeys: async () => (await listSigningKeys(db, { status: 'active' })).map((k) => k.publicJwk),
    loadPublicKey: async (kid) => (await findActiveSigningKey(db, kid))?.publicJwk,
  });

  // Cookie signing keys and the client-secret placeholder key derive from the master key (RFC 5869).
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', rt.masterKey.key, Buffer.alloc(0), info, 32));
  const adapter = createAdapterClass(db, withFirstPartyClients(config.publicUrl.origin, createClientSource(db, derive('latchkey/oidc/client-secret-placeholder'))));
  const polling = devicePolling(); // survives provider rebuilds after a key rotation
  const build = async () => {
    const p = createProvider({
      devicePolling: polling,
      issuer: config.issuer,
      jwks: (await loadSigningKeys(db, envelope)).privateJwks,
      cookieKeys: oidcCookieKeys(rt.masterKey.key, rt.masterKey.previous),
      adapter,
      findAccount: createFindAccount(db),
      adminAudience: audience,
      accessTokenTtlSeconds: config.adminTokenTtlSeconds,
      appTokenClaims: (clientId) => appTokenClaims(db, clientId),
      userTokenClaims: createUserTokenClaims(db),
      stepUpRequired: createStepUpCheck(db), // Conditional Access step-up within the SSO session (signin/step-up.ts)
      verifyClientSecret: (clientId, secret) => verifyClientSecret(db, clientId, secret),
      refreshCheck: createRefreshCheck(db, rt.logger), // Conditional Access again at every refresh (ADR 0017)
      refreshTokenIssued: createRefreshSignInRecorder(db, rt.logger),
      sessionRevoked: createSessionRevokedCheck(db), // revokeSignInSessions ends SSO sessions too
    });
    p.on('server_error', (_ctx: unknown, err: unknown) => rt.logger.error({ err }, 'oidc-provider server error'));
    return p;
  };
  let provider = await build();
  // A user or service principal changed: here at once, on other nodes at commit (migration 0014's NOTIFY).
  const unsubscribe = onPrincipalChanged((id) => tokens.forgetPrincipal(id));
  await rt.store.listen(PRINCIPAL_CHANGED_CHANNEL, (id) => tokens.forgetPrincipal(id));
  await rt.store.listen(KEYS_CHANGED_CHANNEL, () => {
    tokens.invalidate();
    build().then(
      (p) => (provider = p),
      (err: unknown) => rt.logger.error({ err }, 'reloading OIDC signing keys failed; the provider keeps the previous keys'),
    );
  });
  return {
    tokens,
    close: unsubscribe,
    provider: () => provider,
    raw: (request) => forProvider(request, config.publicUrl),
    mount: (app) => mountProvider(app, () => provider, { db, logger: rt.logger, publicUrl: config.publicUrl }),
  };
}
