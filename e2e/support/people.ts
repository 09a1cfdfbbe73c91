import { expect } from 'vitest';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
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

/** What an app keeps between sending a person to the authorization endpoint and redeeming the code. */
export interface PendingAuthorization {
  url: URL;
  check: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string };
}

/** An openid-client authorization-code request with PKCE (S256), state and nonce, hinted at `loginHint`. */
export async function authorizationRequest(config: oidc.Configuration, redirectUri: string, loginHint: string): Promise<PendingAuthorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    login_hint: loginHint,
  });
  return { url, check: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
}

/** On the sign-in page `page` was sent to: choose the password, enter it, sign in. */
export async function signInWithPassword(page: Page, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Use my password instead' }).click();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
