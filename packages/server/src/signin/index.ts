import { hkdfSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { Runtime } from '../runtime.ts';
import { relyingPartyFrom } from '../methods/passkey/relying-party.ts';
import { registerSignInRoutes } from '../http/signin/routes.ts';
import type { SignInDeps } from './deps.ts';
import { oidcCookieKeys } from '../oidc/interaction-cookie.ts';

/** The sign-in dependencies of a runtime (the fake-credential key derives from the master key, RFC 5869). */
export function signInDepsOf(rt: Runtime): SignInDeps {
  return {
    db: rt.store.db,
    rp: relyingPartyFrom(rt.config),
    envelope: rt.envelope,
    fakeCredentialKey: Buffer.from(hkdfSync('sha256', rt.masterKey.key, Buffer.alloc(0), 'latchkey/signin/fake-credentials', 32)),
  };
}

/** Mounts the sign-in page's endpoints (`/signin/{uid}/api/*`) for the composition root (sweeps: jobs/housekeeping.ts). */
export function mountSignIn(rt: Runtime, provider: () => Provider) {
  return async (app: FastifyInstance) => {
    await registerSignInRoutes(app, { ...signInDepsOf(rt), provider, publicUrl: rt.config.publicUrl, cookieKeys: oidcCookieKeys(rt.masterKey.key) });
  };
}
