import { hkdfSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { Runtime } from '../runtime.ts';
import { relyingPartyFrom } from '../methods/passkey/relying-party.ts';
import { registerSignInRoutes } from '../http/signin/routes.ts';
import type { SignInDeps } from './deps.ts';
import { sweepFlows, sweepLockouts } from './repository.ts';

/** The sign-in dependencies of a runtime (the fake-credential key derives from the master key, RFC 5869). */
export function signInDepsOf(rt: Runtime): SignInDeps {
  return {
    db: rt.store.db,
    rp: relyingPartyFrom(rt.config),
    fakeCredentialKey: Buffer.from(hkdfSync('sha256', rt.masterKey.key, Buffer.alloc(0), 'latchkey/signin/fake-credentials', 32)),
  };
}

/** How often finished flows (kept a day) and quiet lockout counters are deleted. */
export const SIGNIN_SWEEP_INTERVAL_MS = 10 * 60_000;

/** Mounts the sign-in page's endpoints (`/signin/{uid}/api/*`) and the periodic sweep, for the composition root. */
export function mountSignIn(rt: Runtime, provider: () => Provider) {
  return async (app: FastifyInstance) => {
    await registerSignInRoutes(app, { ...signInDepsOf(rt), provider, publicUrl: rt.config.publicUrl });
    const sweep = () =>
      Promise.all([sweepFlows(rt.store.db), sweepLockouts(rt.store.db)]).catch((err: unknown) => rt.logger.warn({ err }, 'sweeping sign-in flows failed'));
    const timer = setInterval(sweep, SIGNIN_SWEEP_INTERVAL_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  };
}
