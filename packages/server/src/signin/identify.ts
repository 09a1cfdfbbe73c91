import type { SignInDeps } from './deps.ts';
import type { SignInMethod } from './machine.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { accountKeyOf } from './account-lockout.ts';
import { findUserByUpn } from '../oidc/principals-repository.ts';
import { hasUsableTap } from '../methods/tap/redeem.ts';

/**
 * Methods offered after a name is entered. The same for every name — known, unknown, with or
 * without a passkey or password — so the answer reveals nothing (enumeration safety); each
 * method's verification then treats unknown and unable users alike.
 */
export const METHODS_AFTER_IDENTIFY: SignInMethod[] = ['passkey', 'password'];

/**
 * Username-first: records the entered name. A disabled or unknown user is treated as unknown
 * here (userId null); verification fails for them exactly like a wrong passkey or password.
 */
export async function identify(deps: SignInDeps, flow: StoredFlow, username: string): Promise<StoredFlow> {
  const name = username.trim();
  const user = await findUserByUpn(deps.db, name);
  const userId = user?.enabled ? user.id : null;
  // entra-spec §3.3: the TAP prompt is offered only to a user with a usable pass (as Entra does; docs/tap.md).
  const methodsOffered: SignInMethod[] = userId && (await hasUsableTap(deps.db, userId, deps.now?.())) ? [...METHODS_AFTER_IDENTIFY, 'tap'] : METHODS_AFTER_IDENTIFY;
  return applyEvents(deps, flow, [{ type: 'identified', userId, methodsOffered }], { loginHint: name, accountKey: accountKeyOf(userId, name) });
}
