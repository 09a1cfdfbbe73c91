import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
  /** The credentials the authenticator holds (CDP `WebAuthn.getCredentials`). */
  credentials(): Promise<Array<{ credentialId: string; isResidentCredential: boolean; rpId?: string; userHandle?: string }>>;
}

/**
 * A platform authenticator for `page` through the Chrome DevTools Protocol (WebAuthn domain):
 * CTAP2, internal transport, resident keys, user verification that always succeeds and presence
 * simulated, so `navigator.credentials.create/get` answer without a person.
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<VirtualAuthenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    credentials: async () => ((await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: Awaited<ReturnType<VirtualAuthenticator['credentials']>> }).credentials,
  };
}
