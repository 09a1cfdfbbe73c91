import { expect } from 'vitest';
import * as oidc from 'openid-client';
import { createAuthenticator, type SoftAuthenticator } from '@latchkey/authenticator';
import type { TestServer } from '../support/server.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { createUser } from '../../src/directory/users.ts';
import { relyingPartyFrom } from '../../src/methods/passkey/relying-party.ts';
import { generateRegistrationOptions } from '../../src/methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../src/methods/passkey/verifyRegistration.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';
import type { StoredFlow } from '../../src/signin/repository.ts';

/** A minimal cookie jar: name → value per path, sent when the path is a prefix of the request path. */
export class Jar {
  private cookies = new Map<string, { value: string; path: string }>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, ...v] = pair!.split('=');
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const key = `${name}|${path}`;
      if (v.join('=') === '' || attrs.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { value: v.join('='), path });
    }
  }
  header(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([k, c]) => `${k.split('|')[0]}=${c.value}`)
      .join('; ');
  }
}

/** A flow row in state `identify` for a fresh interaction (repository tests), with `over` applied. */
export const newFlowRow = (over: Partial<Omit<StoredFlow, 'version'>> = {}): Omit<StoredFlow, 'version'> => ({
  id: crypto.randomUUID(),
  interactionUid: `uid-${crypto.randomUUID()}`,
  clientId: 'latchkey-my',
  loginHint: null,
  accountKey: null,
  state: 'identify',
  userId: null,
  identified: false,
  methodsOffered: ['passkey'],
  methodsPerformed: [],
  failures: 0,
  failureReason: null,
  expiresAt: new Date(Date.now() + 600_000),
  ...over,
});

export const AAGUID = '6c1d9a3e-5b7f-4e21-8d90-a1b2c3d4e5f6';
export const ctx = systemContext('signin-test');

export async function newUser(server: TestServer, alias = `u${crypto.randomUUID().slice(0, 8)}`): Promise<{ id: string; upn: string }> {
  const upn = `${alias}@latchkey.test`;
  const user = await createUser(server.runtime.store.db, ctx, { userPrincipalName: upn, displayName: `User ${alias}` });
  return { id: user.id as string, upn };
}

export async function enableFido2(server: TestServer): Promise<void> {
  await updateMethodConfiguration(server.runtime.store.db, ctx, 'Fido2', { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false });
}

/** Registers a passkey for the user on the server's RP with a software authenticator. */
export async function registerPasskey(server: TestServer, userId: string, auth: SoftAuthenticator = createAuthenticator({ aaguid: AAGUID })): Promise<SoftAuthenticator> {
  const deps = { db: server.runtime.store.db, rp: relyingPartyFrom(server.config) };
  const options = await generateRegistrationOptions(deps, { userId });
  const response = auth.makeCredential({ rpId: options.rp.id!, origin: server.config.publicUrl.origin, challenge: options.challenge, user: options.user, residentKey: true });
  await verifyRegistration(deps, ctx, { response: response as never });
  return auth;
}

/** A registered OIDC app (admin API) and an openid-client configuration for it. */
export async function registerApp(server: TestServer, redirectUri = 'https://rp.example/cb') {
  const app = (await server.api('/api/v1/applications', { body: { displayName: `RP ${crypto.randomUUID().slice(0, 6)}`, web: { redirectUris: [redirectUri] } } })).body;
  expect((await server.api('/api/v1/servicePrincipals', { body: { appId: app.appId } })).status).toBe(201);
  const secret = (await server.api(`/api/v1/applications/${app.id}/addPassword`, { body: {} })).body.secretText as string;
  const config = await oidc.discovery(new URL(server.config.issuer), app.appId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
  return { appId: app.appId as string, config, redirectUri };
}

/**
 * How the app sends its authorization request: in the URL (`get`), pushed first (`par`, RFC
 * 9126, openid-client's `buildAuthorizationUrlWithPAR`), or as a form the browser posts (`post`,
 * OIDC Core §3.1.2.1, as ASP.NET's `AuthenticationMethod = FormPost`; from the app's site, so
 * no `SameSite=Lax` cookie goes with the POST).
 */
export type AuthorizationVia = 'get' | 'par' | 'post';

/** A browser stand-in with `jar`'s cookies: one request, redirects not followed, cookies kept. */
export const browserOf =
  (jar: Jar) =>
  async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(url, { redirect: 'manual', ...init, headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) } });
    jar.store(res);
    return res;
  };

/**
 * The person answers the logout page (`html`, from `/oidc/logout`): "Sign out" (`{ logout: 'yes' }`)
 * or "Stay signed in" (`{}`); the form carries the page's anti-forgery field. Returns the
 * confirmation's 303.
 */
export async function answerLogoutPage(get: ReturnType<typeof browserOf>, issuer: string, html: string, choice: Record<string, string>): Promise<Response> {
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  expect(xsrf).toBeTruthy();
  const confirmed = await get(new URL('/oidc/logout/confirm', issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf: xsrf!, ...choice }),
  });
  expect(confirmed.status).toBe(303);
  return confirmed;
}

/** The browser posts an authorization request's parameters as a form, without cookies (a cross-site POST); returns where it is sent next. */
export async function postAuthorization(url: URL): Promise<URL> {
  const res = await fetch(new URL(url.pathname, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: url.searchParams,
  });
  if (res.status !== 303) throw new Error(`expected 303 from the POST, got ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location')!);
}

/** A browser stand-in: starts an authorization and follows redirects to the sign-in page. */
export async function beginSignIn(
  server: TestServer,
  rp: { config: oidc.Configuration; redirectUri: string },
  extra: Record<string, string> = {},
  via: AuthorizationVia = 'get',
  jar: Jar = new Jar(), // a browser that may already hold an SSO session
  pkce = true, // false: an app that sends no code_challenge (and so no code_verifier)
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const challenge: Record<string, string> = pkce ? { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' } : {};
  const params: Record<string, string> = { redirect_uri: rp.redirectUri, scope: 'openid profile', state, nonce, ...challenge, ...extra };
  let url = via === 'par' ? await oidc.buildAuthorizationUrlWithPAR(rp.config, params) : oidc.buildAuthorizationUrl(rp.config, params);
  if (via === 'post') url = await postAuthorization(url);
  url = await follow(jar, url, server.config.issuer, rp.redirectUri);
  const uid = /^\/signin\/([^/]+)$/.exec(url.pathname)?.[1];
  if (!uid) throw new Error(`expected the sign-in page, got ${url}`);
  const base = server.config.issuer;
  const post = async (path: string, body: unknown = {}) => {
    const u = new URL(`/signin/${uid}/api/${path}`, base);
    const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(u) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    jar.store(res);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  /** Follows `redirectTo` (resume, maybe consent) back to the RP and redeems the code. */
  const finish = async (redirectTo: string) => {
    let next = await follow(jar, new URL(redirectTo, base), base, rp.redirectUri);
    // A consent interaction (first sign-in to an app) is answered by the page's start call.
    for (let i = 0; i < 3 && next.origin === new URL(base).origin && next.pathname.startsWith('/signin/'); i++) {
      const u = new URL(`${next.pathname}/api/start`, base);
      const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(u) }, body: '{}' });
      const body = (await res.json()) as { redirectTo?: string };
      expect(body.redirectTo).toBeTruthy();
      next = await follow(jar, new URL(body.redirectTo!, base), base, rp.redirectUri);
    }
    return oidc.authorizationCodeGrant(rp.config, next, { ...(pkce ? { pkceCodeVerifier: verifier } : {}), expectedState: state, expectedNonce: nonce });
  };
  /** Follows `redirectTo` to the RP's redirect URI without redeeming anything (an error answer, say): where the browser lands. */
  const land = (redirectTo: string) => follow(jar, new URL(redirectTo, base), base, rp.redirectUri);
  /** The page's usernameless passkey step: options, the authenticator answers (no allow list), verify. */
  const usernamelessPasskey = async (auth: SoftAuthenticator) => {
    const o = await post('passkey/options');
    const response = auth.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: [] });
    return post('passkey/verify', { response });
  };
  return { uid, jar, post, finish, land, usernamelessPasskey, state };
}

/**
 * A new user with a new passkey signs in to `rp` usernameless, from authorization to tokens (the
 * code redeemed by openid-client); `extra` goes into the authorization request.
 */
export async function passkeySignIn(server: TestServer, rp: { config: oidc.Configuration; redirectUri: string }, extra: Record<string, string> = {}) {
  const user = await newUser(server);
  const auth = await registerPasskey(server, user.id);
  const b = await beginSignIn(server, rp, extra);
  await b.post('start');
  const v = await b.usernamelessPasskey(auth);
  return { user, tokens: await b.finish(v.body.redirectTo), jar: b.jar };
}

/**
 * A silent authorization request (`prompt=none`) with the browser's cookies, as MSAL's hidden
 * iframe makes it: every redirect is followed to the app's redirect URI. `hops` lists each
 * response on the way (status and path), so a test can check that no page was served in between.
 */
export async function silentSignIn(server: TestServer, rp: { config: oidc.Configuration; redirectUri: string }, jar: Jar, scope: string) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const params = { redirect_uri: rp.redirectUri, scope, prompt: 'none', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
  const hops: Array<{ status: number; path: string }> = [];
  let url = oidc.buildAuthorizationUrl(rp.config, params);
  for (let i = 0; i < 12 && !url.href.startsWith(rp.redirectUri); i++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(res);
    hops.push({ status: res.status, path: url.pathname });
    const location = res.headers.get('location');
    if (!location) throw new Error(`no redirect from ${url} (${res.status}): ${(await res.text()).slice(0, 300)}`);
    url = new URL(location, url);
  }
  return { landed: url, state, hops, redeem: () => oidc.authorizationCodeGrant(rp.config, url, { pkceCodeVerifier: verifier, expectedState: state }) };
}

async function follow(jar: Jar, start: URL, base: string, stopAt?: string): Promise<URL> {
  let url = start;
  for (let hop = 0; hop < 10 && url.origin === new URL(base).origin && !url.pathname.startsWith('/signin/') && !(stopAt && url.href.startsWith(stopAt)); hop++) {
    let res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(res);
    let location = res.headers.get('location');
    if (!location) {
      // The provider's self-submitting form (oidc-provider response_modes/form_post.js): when a sign-in
      // switches the session's account, it posts the old session's logout to itself first; a browser runs it.
      const html = await res.text();
      const form = selfSubmittingForm(html);
      if (!form || new URL(form.action).origin !== url.origin) throw new Error(`no redirect from ${url} (${res.status}): ${html.slice(0, 300)}`);
      const target = new URL(form.action);
      res = await fetch(target, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(target) }, body: form.fields });
      jar.store(res);
      location = res.headers.get('location');
      if (!location) throw new Error(`no redirect from the form posted to ${target} (${res.status})`);
      url = target;
    }
    url = new URL(location, url);
  }
  return url;
}

/** The action and hidden fields of oidc-provider's "Submitting Callback" page, or undefined for any other page. */
function selfSubmittingForm(html: string): { action: string; fields: URLSearchParams } | undefined {
  if (!html.includes('<title>Submitting Callback</title>')) return undefined;
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) return undefined;
  const fields = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
  return { action, fields };
}
