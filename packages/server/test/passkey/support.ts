import { randomUUID } from 'node:crypto';
import { createAuthenticator, type AuthenticatorOptions, type SoftAuthenticator } from '@latchkey/authenticator';
import type { Store } from '../../src/store/database.ts';
import { systemContext, type RequestContext } from '../../src/auth/principal.ts';
import { createUser } from '../../src/directory/users.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';
import type { PasskeyDeps } from '../../src/methods/passkey/deps.ts';
import { generateRegistrationOptions } from '../../src/methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../src/methods/passkey/verifyRegistration.ts';
import { generateAuthenticationOptions } from '../../src/methods/passkey/generateAuthenticationOptions.ts';
import { verifyAuthentication } from '../../src/methods/passkey/verifyAuthentication.ts';
import { PasskeyError } from '../../src/methods/passkey/errors.ts';

export const RP = { id: 'localhost', name: 'Latchkey', origins: ['http://localhost:8080'] } as const;
export const ORIGIN = RP.origins[0];
export const AAGUID = '6c1d9a3e-5b7f-4e21-8d90-a1b2c3d4e5f6';
export const FIDO2_TYPE = '#microsoft.graph.fido2AuthenticationMethodConfiguration';

export const ctx: RequestContext = systemContext('passkey-test');

export function depsOf(store: Store): PasskeyDeps {
  return { db: store.db, rp: { ...RP, origins: [...RP.origins] } };
}

/** PATCHes the Fido2 configuration through the policy module (state enabled unless given). */
export async function setFido2(store: Store, patch: Record<string, unknown>): Promise<void> {
  await updateMethodConfiguration(store.db, ctx, 'Fido2', { '@odata.type': FIDO2_TYPE, state: 'enabled', ...patch });
}

export async function newUser(store: Store): Promise<string> {
  const alias = `u${randomUUID().slice(0, 8)}`;
  const user = await createUser(store.db, ctx, { userPrincipalName: `${alias}@latchkey.test`, displayName: `User ${alias}` });
  return user.id as string;
}

export function softAuthenticator(options: Partial<AuthenticatorOptions> = {}): SoftAuthenticator {
  return createAuthenticator({ aaguid: AAGUID, ...options });
}

/** A complete registration: options → authenticator → verifyRegistration. */
export async function register(store: Store, auth: SoftAuthenticator, userId: string, tamper?: (r: ReturnType<SoftAuthenticator['makeCredential']>) => void) {
  const deps = depsOf(store);
  const options = await generateRegistrationOptions(deps, { userId });
  const response = auth.makeCredential({ rpId: options.rp.id!, origin: ORIGIN, challenge: options.challenge, user: options.user, residentKey: true });
  tamper?.(response);
  return { options, response, result: await verifyRegistration(deps, ctx, { response: response as never }) };
}

/** A complete sign-in; `userId` null = discoverable. */
export async function signIn(store: Store, auth: SoftAuthenticator, userId: string | null) {
  const deps = depsOf(store);
  const options = await generateAuthenticationOptions(deps, { userId });
  const response = auth.getAssertion({ rpId: options.rpId!, origin: ORIGIN, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [] });
  return { options, response, result: await verifyAuthentication(deps, ctx, { response: response as never }) };
}

/** The PasskeyError reason a promise rejects with (fails the test if it resolves or throws something else). */
export async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PasskeyError) return e.reason;
    throw e;
  }
  throw new Error('expected a PasskeyError, but the ceremony succeeded');
}

export async function countRows(store: Store, table: 'passkey_credentials' | 'passkey_challenges' | 'passkey_metadata_entries'): Promise<number> {
  const r = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
