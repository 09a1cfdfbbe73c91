import { hkdfSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { Runtime } from '../runtime.ts';
import { relyingPartyFrom } from '../methods/passkey/relying-party.ts';
import { registerSignInRoutes } from '../http/signin/routes.ts';
import type { SignInDeps } from './deps.ts';
import { oidcCookieKeys } from '../oidc/interaction-cookie.ts';
import { instanceSecret } from '../secrets/instance-secrets.ts';

/**
 * The sign-in dependencies of a runtime. The fake-credential key (passkey-step.ts) is an instance
 * secret, so that the fake passkeys of unknown accounts do not change at a master key rotation
 * (ADR 0020); an installation that predates it starts from the value it derived from its master
 * key (RFC 5869), so they do not change at the upgrade either.
 */
export async function signInDepsOf(rt: Runtime): Promise<SignInDeps> {
  const derived = () => Buffer.from(hkdfSync('sha256', rt.masterKey.key, Buffer.alloc(0), 'latchkey/signin/fake-credentials', 32));
  return {
    db: rt.store.db,
    rp: relyingPartyFrom(rt.config),
    envelope: rt.envelope,
    fakeCredentialKey: await instanceSecret(rt.store.db, rt.envelope, FAKE_CREDENTIAL_SECRET, derived),
  };
}

/** The instance secret behind the fake passkeys of unknown accounts. */
export const FAKE_CREDENTIAL_SECRET = 'signin/fake-credentials';

/** Mounts the sign-in page's endpoints (`/signin/{uid}/api/*`) for the composition root (sweeps: jobs/housekeeping.ts). */
export function mountSignIn(rt: Runtime, provider: () => Provider) {
  return async (app: FastifyInstance) => {
    await registerSignInRoutes(app, { ...(await signInDepsOf(rt)), provider, publicUrl: rt.config.publicUrl, cookieKeys: oidcCookieKeys(rt.masterKey.key, rt.masterKey.previous) });
  };
}
