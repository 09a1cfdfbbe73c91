import { expect } from 'vitest';
import type { TestServer } from '../../packages/server/test/support/server.ts';

/** The password method's fixed id (Graph's passwordAuthenticationMethod id). */
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

/**
 * A person who signs in to an app with a password, for the console tests that finish with a real
 * authorization-code sign-in: passkeys enabled without attestation (so the sign-in page offers
 * its usual choices), the user created, and the password set.
 */
export async function passwordPerson(
  server: TestServer,
  user: { displayName: string; userPrincipalName: string; mailNickname: string },
  password: string,
): Promise<{ id: string; userPrincipalName: string }> {
  const fido2 = await server.api('/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2', {
    method: 'PATCH',
    body: { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false },
  });
  expect(fido2.status).toBeLessThan(300);
  const person = (await server.api('/api/v1/users', { body: { ...user, accountEnabled: true } })).body;
  const reset = await server.api(`/api/v1/users/${person.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`, { body: { newPassword: password } });
  expect(reset.status).toBe(202);
  return person;
}
