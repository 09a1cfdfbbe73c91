import type { RequestContext } from '../auth/principal.ts';
import type { SignInDeps } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { assertNotLocked, recordFailure, recordSuccess } from './account-lockout.ts';
import { logRefusal } from './sign-in-log.ts';
import { authenticateWithPassword } from '../methods/password/authenticateWithPassword.ts';
import { verifyPassword } from '../methods/password/verifyPassword.ts';

/**
 * Verifies a password for the entered name (legacy method). Always one argon2 run — for an
 * unknown name against the dummy hash — and one answer, `invalidCredentials`, for unknown
 * names, users without a password, wrong passwords and a Password method the policy turned off.
 * Each failure counts towards smart lockout (docs/signin.md).
 */
export async function passwordVerify(deps: SignInDeps, ctx: RequestContext, flow: StoredFlow, password: string): Promise<StoredFlow> {
  if (!flow.identified) throw new SignInError('wrongStep', 'Enter your username first.');
  await assertNotLocked(deps, flow.accountKey);
  const chosen = flow.state === 'verifyPassword' ? flow : await applyEvents(deps, flow, [{ type: 'methodChosen', method: 'password' }]);
  const ok = chosen.userId ? (await authenticateWithPassword(deps.db, chosen.userId, password)).verified : (await verifyPassword(undefined, password), false);
  if (!ok) {
    await recordFailure(deps, chosen.accountKey);
    const failed = await applyEvents(deps, chosen, [{ type: 'verificationFailed', method: 'password', reason: 'invalidCredentials' }]).catch(() => chosen);
    await logRefusal(deps.db, ctx, failed, { method: 'password', reason: 'invalidCredentials' });
    if (failed.state === 'failed') throw new SignInError('flowFailed', 'Too many failed attempts in this sign-in. Start again.');
    throw new SignInError('invalidCredentials', 'Your account or password is incorrect.');
  }
  const done = await applyEvents(deps, chosen, [{ type: 'verified', method: 'password', userId: chosen.userId!, amr: ['pwd'] }]);
  await recordSuccess(deps, chosen.accountKey);
  return done;
}
