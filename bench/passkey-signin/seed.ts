import { createAuthenticator, type SoftAuthenticator } from '@latchkey/authenticator';
import type { Kysely } from 'kysely';
import type { DB } from '../../packages/server/src/store/schema.ts';
import { systemContext } from '../../packages/server/src/auth/principal.ts';
import { createUser } from '../../packages/server/src/directory/users.ts';
import { updateMethodConfiguration } from '../../packages/server/src/policy/authentication-methods/update.ts';
import { generateRegistrationOptions } from '../../packages/server/src/methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../packages/server/src/methods/passkey/verifyRegistration.ts';
import type { RelyingParty } from '../../packages/server/src/methods/passkey/relying-party.ts';
import { progress } from '../support/stats.ts';

const ctx = systemContext('bench-passkey-signin');

export interface SeededUser {
  id: string;
  upn: string;
  auth: SoftAuthenticator;
}

/**
 * Users with one discoverable passkey each, registered through the real registration ceremony
 * (options → software authenticator's makeCredential with a key generated here → verifyRegistration),
 * and the Fido2 method enabled for everyone. Runs in-process on the database the server will use.
 */
export async function seedUsers(db: Kysely<DB>, rp: RelyingParty, count: number): Promise<SeededUser[]> {
  await updateMethodConfiguration(db, ctx, 'Fido2', { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false });
  const deps = { db, rp };
  const users: SeededUser[] = [];
  const tag = Math.random().toString(36).slice(2, 7);
  for (let i = 0; i < count; i++) {
    const upn = `signin${i}-${tag}@bench.test`;
    const user = await createUser(db, ctx, { userPrincipalName: upn, displayName: `Sign-in bench ${i}` });
    const auth = createAuthenticator({ aaguid: '00000000-0000-4000-8000-0000000000b1' });
    const options = await generateRegistrationOptions(deps, { userId: user.id as string });
    const response = auth.makeCredential({ rpId: rp.id, origin: rp.origins[0]!, challenge: options.challenge, user: options.user, residentKey: true });
    await verifyRegistration(deps, ctx, { response: response as never });
    users.push({ id: user.id as string, upn, auth });
    if (i % 16 === 15 || i === count - 1) progress('seed passkeys', i + 1, count);
  }
  return users;
}

/** An OIDC app (admin API, as an administrator would register it): client id, a secret, one redirect URI. */
export async function registerApp(base: string, token: string, redirectUri: string): Promise<{ clientId: string; clientSecret: string }> {
  const api = async (path: string, body: unknown) => {
    const r = await fetch(new URL(path, base), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const j = (await r.json()) as Record<string, unknown>;
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
  const app = await api('/api/v1/applications', { displayName: 'Sign-in bench app', web: { redirectUris: [redirectUri] } });
  await api('/api/v1/servicePrincipals', { appId: app.appId });
  const secret = await api(`/api/v1/applications/${app.id}/addPassword`, {});
  return { clientId: app.appId as string, clientSecret: secret.secretText as string };
}
