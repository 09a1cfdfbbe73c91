import { expect, it, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../../../../e2e/support/browser.ts';
import { describeEachStore } from '../support/stores.ts';
import type { PasskeyDeps } from '../../src/methods/passkey/deps.ts';
import { generateRegistrationOptions } from '../../src/methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../src/methods/passkey/verifyRegistration.ts';
import { generateAuthenticationOptions } from '../../src/methods/passkey/generateAuthenticationOptions.ts';
import { verifyAuthentication } from '../../src/methods/passkey/verifyAuthentication.ts';
import { ctx, newUser, reasonOf, setFido2 } from './support.ts';

/**
 * The ceremony layer against a real browser: Chromium's CDP virtual authenticator creates and uses
 * passkeys from options made by the domain functions, and the responses it produces verify.
 */
let browser: Browser;
let http: Server;
let origin: string;

beforeAll(async () => {
  http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>rp</title>'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://localhost:${(http.address() as { port: number }).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => http?.close(r));
});

async function pageWithAuthenticator(): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await browser.newPage();
  await page.goto(origin);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { page, cdp };
}

const create = (page: Page, options: unknown) =>
  page.evaluate(async (json) => {
    const cred = (await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json as never) })) as PublicKeyCredential;
    return cred.toJSON();
  }, options);

const get = (page: Page, options: unknown) =>
  page.evaluate(async (json) => {
    const cred = (await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json as never) })) as PublicKeyCredential;
    return cred.toJSON();
  }, options);

describeEachStore('passkey ceremonies in Chromium', (store) => {
  const deps = (): PasskeyDeps => ({ db: store().db, rp: { id: 'localhost', name: 'Latchkey', origins: [origin] } });

  it('registers, then signs in username-first and usernameless', async () => {
    await setFido2(store(), { isAttestationEnforced: false });
    const userId = await newUser(store());
    const { page } = await pageWithAuthenticator();
    try {
      const options = await generateRegistrationOptions(deps(), { userId });
      const registered = await verifyRegistration(deps(), ctx, { response: (await create(page, options)) as never });
      expect(registered.credential).toMatchObject({ userId, attestationFormat: 'none', attestationTrust: 'none' });

      const o1 = await generateAuthenticationOptions(deps(), { userId });
      const first = await verifyAuthentication(deps(), ctx, { response: (await get(page, o1)) as never });
      expect(first).toMatchObject({ userId, methodId: registered.credential.id, userVerified: true });

      const o2 = await generateAuthenticationOptions(deps(), {});
      const second = await verifyAuthentication(deps(), ctx, { response: (await get(page, o2)) as never });
      expect(second.userId).toBe(userId);
      expect(second.signCount).toBeGreaterThan(first.signCount);
    } finally {
      await page.close();
    }
  });

  it("refuses Chromium's attestation when attestation is enforced, storing nothing", async () => {
    await setFido2(store(), { isAttestationEnforced: true });
    const userId = await newUser(store());
    const { page } = await pageWithAuthenticator();
    try {
      const options = await generateRegistrationOptions(deps(), { userId });
      expect(options.attestation).toBe('direct');
      const response = await create(page, options);
      // Chromium answers 'direct' with a packed statement whose self-signed certificate chains to no anchor.
      expect((response as { response: { attestationObject: string } }).response.attestationObject.length).toBeGreaterThan(500); // carries an x5c
      expect(await reasonOf(verifyRegistration(deps(), ctx, { response: response as never }))).toBe('attestationUntrusted');
      expect(await store().db.selectFrom('passkey_credentials').select('id').where('user_id', '=', userId).execute()).toEqual([]);
    } finally {
      await page.close();
      await setFido2(store(), { isAttestationEnforced: false });
    }
  });
});
