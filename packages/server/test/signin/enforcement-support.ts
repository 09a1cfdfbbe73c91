import { expect } from 'vitest';
import * as oidc from 'openid-client';
import type { TestServer } from '../support/server.ts';
import { setPassword } from '../../src/methods/password/setPassword.ts';
import { createDevice } from '../../src/methods/oath/devices.ts';
import { activateToken } from '../../src/methods/oath/activateToken.ts';
import { ctx, Jar, newUser } from './support.ts';
import { newSecret, otpauthCode } from '../oath/support.ts';

export const CA = '/api/v1/identity/conditionalAccess/policies?confirmLockout=true';
export const STRENGTHS = '/api/v1/identity/conditionalAccess/authenticationStrength/policies';
export const MFA = '00000000-0000-0000-0000-000000000002';
export const PHISHING_RESISTANT = '00000000-0000-0000-0000-000000000004';
export const PASSWORD = 'Correct-horse-42!';

/** A user with a password and an activated hardware token (activated a step ago, so the current code is fresh). */
export async function userWithToken(server: TestServer): Promise<{ id: string; upn: string; code: (ms?: number) => string }> {
  const db = server.runtime.store.db;
  const user = await newUser(server);
  await setPassword(db, ctx, user.id, PASSWORD);
  const secret = newSecret();
  const device = await createDevice({ db, envelope: server.runtime.envelope }, ctx, { serialNumber: `HW-${user.id.slice(0, 8)}`, secretKey: secret, assignTo: user.id });
  const earlier = Date.now() - 60_000;
  await activateToken({ db, envelope: server.runtime.envelope }, ctx, { tokenId: device.id, kind: 'hardware', verificationCode: otpauthCode(secret, earlier), now: new Date(earlier) });
  return { ...user, code: (ms = Date.now()) => otpauthCode(secret, ms) };
}

/** A Conditional Access policy for one user and one app (so tests in one server do not meet). */
export async function caPolicy(
  server: TestServer,
  o: { name: string; userId: string; appId: string; state?: string; block?: boolean; strength?: string; mfa?: boolean },
): Promise<string> {
  const res = await server.api(CA, {
    body: {
      displayName: o.name,
      state: o.state ?? 'enabled',
      conditions: { clientAppTypes: ['all'], users: { includeUsers: [o.userId] }, applications: { includeApplications: [o.appId] } },
      grantControls: o.block
        ? { operator: 'OR', builtInControls: ['block'] }
        : { operator: 'OR', builtInControls: o.mfa ? ['mfa'] : [], ...(o.strength ? { authenticationStrength: { id: o.strength } } : {}) },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A custom strength `password,hardwareOath` (entra-spec §2.4). */
export async function passwordHardwareOathStrength(server: TestServer): Promise<string> {
  const res = await server.api(STRENGTHS, { body: { displayName: `Pwd + hw token ${crypto.randomUUID().slice(0, 6)}`, allowedCombinations: ['password,hardwareOath'] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The sign-in log rows of a user, newest first (straight from the table). */
export async function logRowsOf(server: TestServer, userId: string) {
  return server.runtime.store.db.selectFrom('signin_log').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/**
 * An authorization request in a browser that may already hold an SSO session (`jar`): follows
 * redirects until the sign-in page (`uid`) or the RP's redirect URI (a silent sign-in).
 */
export async function authorizeWithJar(
  server: TestServer,
  rp: { config: oidc.Configuration; redirectUri: string },
  jar: Jar,
): Promise<{ uid: string | null; landed: URL; post: (path: string, body?: unknown) => Promise<{ status: number; body: any }> }> {
  const verifier = oidc.randomPKCECodeVerifier();
  let url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid profile', state: oidc.randomState(), nonce: oidc.randomNonce(), code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const base = new URL(server.config.issuer);
  for (let hop = 0; hop < 12 && url.origin === base.origin && !url.pathname.startsWith('/signin/'); hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(res);
    const location = res.headers.get('location');
    if (!location) throw new Error(`no redirect from ${url} (${res.status})`);
    url = new URL(location, url);
  }
  const uid = /^\/signin\/([^/]+)$/.exec(url.pathname)?.[1] ?? null;
  const post = async (path: string, body: unknown = {}) => {
    const u = new URL(`/signin/${uid}/api/${path}`, base);
    const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(u) }, body: JSON.stringify(body) });
    jar.store(res);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return { uid, landed: url, post };
}
