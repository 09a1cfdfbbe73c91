import type { SignInDeps } from './deps.ts';
import type { SignInMethod } from './machine.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { accountKeyOf } from './account-lockout.ts';
import { findUserByUpn } from '../oidc/principals-repository.ts';

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
  return applyEvents(deps, flow, [{ type: 'identified', userId, methodsOffered: METHODS_AFTER_IDENTIFY }], { loginHint: name, accountKey: accountKeyOf(userId, name) });
}
