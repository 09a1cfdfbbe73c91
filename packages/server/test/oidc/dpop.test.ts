import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { adminApiAudience } from '../../src/oidc/access-token.ts';
import { createProofReplayCache, DPOP_WINDOW_S } from '../../src/oidc/dpop.ts';

/**
 * DPoP (RFC 9449) at Latchkey's own API: a token bound to the client's key by openid-client's DPoP
 * handle is accepted only with a fresh proof made with that key, for that request; the same token
 * as a bearer token, and every proof that fails one check of §4.3, get a 401 that says why.
 */
for (const kind of STORE_KINDS) {
  describe(`DPoP-bound access tokens at the admin API [${kind}]`, () => {
    let server: TestServer;
    let config: oidc.Configuration;
    let keys: { privateKey: CryptoKey; publicKey: CryptoKey };
    let bound: string;
    const PATH = '/api/v1/auditLogs/directoryAudits';

    beforeAll(async () => {
      server = await startTestServer(kind);
      const app = await server.api('/api/v1/applications', { body: { displayName: 'DPoP sync' } });
      const sp = await server.api('/api/v1/servicePrincipals', { body: { appId: app.body.appId } });
      expect(
        await server.api(`/api/v1/servicePrincipals/${sp.body.id}/appRoleAssignments`, { body: { appRoleValue: 'AuditLog.Read.All' } }),
      ).toMatchObject({ status: 201 });
      expect(
        await server.api(`/api/v1/servicePrincipals/${sp.body.id}/directoryRoles`, { body: { roleDefinitionId: 'Reports Reader' } }),
      ).toMatchObject({ status: 204 });
      const secret = (await server.api(`/api/v1/applications/${app.body.id}/addPassword`, { body: {} })).body.secretText as string;
      config = await oidc.discovery(new URL(server.config.issuer), app.body.appId, undefined, oidc.ClientSecretBasic(secret), {
        execute: [oidc.allowInsecureRequests],
      });
      keys = (await generateKeyPair('ES256', { extractable: true })) as typeof keys;
      const tokens = await oidc.clientCredentialsGrant(
        config,
        { resource: adminApiAudience(server.config.issuer) },
        { DPoP: oidc.getDPoPHandle(config, keys) },
      );
      expect(tokens.token_type.toLowerCase()).toBe('dpop');
      bound = tokens.access_token;
      const jwk = await exportJWK(keys.publicKey);
      expect(decodeJwt(bound).cnf).toEqual({ jkt: await calculateJwkThumbprint(jwk as JWK) });
    });
    afterAll(async () => server?.close());

    const url = (path = PATH) => `${server.config.issuer}${path}`;
    /** A proof as a client makes it (RFC 9449 §4.2), each part overridable. */
    async function proof(
      o: {
        key?: CryptoKey;
        publicKey?: CryptoKey;
        htm?: string;
        htu?: string;
        iat?: number;
        ath?: string | null;
        jti?: string;
        typ?: string;
      } = {},
    ) {
      const payload: Record<string, unknown> = {
        jti: o.jti ?? randomUUID(),
        htm: o.htm ?? 'GET',
        htu: o.htu ?? url(),
        iat: o.iat ?? Math.floor(Date.now() / 1000),
      };
      const ath = o.ath === undefined ? createHash('sha256').update(bound).digest('base64url') : o.ath;
      if (ath !== null) payload.ath = ath;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: o.typ ?? 'dpop+jwt', jwk: await exportJWK(o.publicKey ?? keys.publicKey) })
        .sign(o.key ?? keys.privateKey);
    }
    const call = (headers: Record<string, string>, path = PATH) => fetch(url(path), { headers });
    const refusal = async (res: Response) => {
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      return body.error.message;
    };

    it("openid-client's DPoP handle: the bound token works with a fresh proof at every request", async () => {
      const DPoP = oidc.getDPoPHandle(config, keys);
      for (let i = 0; i < 2; i++) {
        const res = await oidc.fetchProtectedResource(config, bound, new URL(url(`${PATH}?$top=1`)), 'GET', undefined, undefined, { DPoP });
        expect(res.status).toBe(200);
      }
      // A hand-made proof with the query left out of htu (§4.3 step 9 ignores it) is accepted too.
      expect((await call({ authorization: `DPoP ${bound}`, dpop: await proof() }, `${PATH}?$top=1`)).status).toBe(200);
    });

    it('the bound token as a bearer token is refused (§7.2): a stolen token is worth nothing without the key', async () => {
      expect(await refusal(await call({ authorization: `Bearer ${bound}` }))).toMatch(/bound to a DPoP key.*Authorization: DPoP/);
      expect(await refusal(await call({ authorization: `Bearer ${bound}`, dpop: await proof() }))).toMatch(/bound to a DPoP key/);
    });

    it('a proof that fails any check is refused, and says which', async () => {
      const other = (await generateKeyPair('ES256', { extractable: true })) as typeof keys;
      const hs = await new SignJWT({ jti: randomUUID(), htm: 'GET', htu: url(), iat: Math.floor(Date.now() / 1000) })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt' })
        .sign(new Uint8Array(32));
      const cases: [string, Record<string, string>, RegExp][] = [
        ['no proof', { authorization: `DPoP ${bound}` }, /needs a DPoP header/],
        ['two proofs', { authorization: `DPoP ${bound}`, dpop: `${await proof()}, ${await proof()}` }, /exactly one DPoP header/],
        ['another method', { authorization: `DPoP ${bound}`, dpop: await proof({ htm: 'POST' }) }, /for POST, the request is GET/],
        [
          'another URL',
          { authorization: `DPoP ${bound}`, dpop: await proof({ htu: url('/api/v1/users') }) },
          /htu is not this request's URL/,
        ],
        ['another host', { authorization: `DPoP ${bound}`, dpop: await proof({ htu: `https://evil.example${PATH}` }) }, /htu/],
        [
          'too old',
          { authorization: `DPoP ${bound}`, dpop: await proof({ iat: Math.floor(Date.now() / 1000) - DPOP_WINDOW_S - 30 }) },
          /within 60 seconds/,
        ],
        [
          'from the future',
          { authorization: `DPoP ${bound}`, dpop: await proof({ iat: Math.floor(Date.now() / 1000) + DPOP_WINDOW_S + 30 }) },
          /within 60 seconds/,
        ],
        ['no ath', { authorization: `DPoP ${bound}`, dpop: await proof({ ath: null }) }, /not for this access token \(ath\)/],
        [
          'another token',
          { authorization: `DPoP ${bound}`, dpop: await proof({ ath: createHash('sha256').update('x').digest('base64url') }) },
          /\(ath\)/,
        ],
        [
          'another key',
          { authorization: `DPoP ${bound}`, dpop: await proof({ key: other.privateKey, publicKey: other.publicKey }) },
          /another key .*cnf\.jkt/,
        ],
        [
          'signed by another key than its jwk',
          { authorization: `DPoP ${bound}`, dpop: await proof({ key: other.privateKey }) },
          /signed by the public key in its jwk/,
        ],
        ['wrong typ', { authorization: `DPoP ${bound}`, dpop: await proof({ typ: 'JWT' }) }, /typ dpop\+jwt/],
        ['a symmetric algorithm', { authorization: `DPoP ${bound}`, dpop: hs }, /signed with ES256/],
        ['not a JWT', { authorization: `DPoP ${bound}`, dpop: 'nonsense' }, /not a proof/],
      ];
      for (const [name, headers, message] of cases) expect(await refusal(await call(headers)), name).toMatch(message);
    });

    it('a proof is good once: the same proof again is a replay (jti)', async () => {
      const p = await proof();
      expect((await call({ authorization: `DPoP ${bound}`, dpop: p })).status).toBe(200);
      expect(await refusal(await call({ authorization: `DPoP ${bound}`, dpop: p }))).toMatch(/used before \(jti\)/);
    });

    it('an unbound token under the DPoP scheme is refused: the scheme promises a binding the token does not have', async () => {
      const plain = await server.token();
      expect(await refusal(await call({ authorization: `DPoP ${plain}`, dpop: await proof() }))).toMatch(/not bound to a DPoP key.*Bearer/);
      expect((await call({ authorization: `Bearer ${plain}` })).status).toBe(200);
    });
  });
}

describe('DPoP proof replay cache', () => {
  it('remembers a jti until its window closes, and stays bounded', () => {
    const c = createProofReplayCache(3);
    expect(c.firstUse('a', 100, 50)).toBe(true);
    expect(c.firstUse('a', 100, 60)).toBe(false);
    expect(c.firstUse('a', 200, 101)).toBe(true); // expired: a new proof may reuse it
    for (const k of ['b', 'c', 'd', 'e']) c.firstUse(k, 300, 102);
    expect(c.size).toBeLessThanOrEqual(3);
  });
});
