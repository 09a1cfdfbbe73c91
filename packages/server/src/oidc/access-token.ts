import { importJWK, SignJWT, type JWK } from 'jose';

/**
 * Admin-API access tokens: JWTs per RFC 9068 ("JWT Profile for OAuth 2.0 Access Tokens",
 * header `typ: at+jwt`), carrying Entra's claim names so Graph-savvy tooling reads them:
 * `oid`/`sub` (object id), `upn`, `wids` (directory role template ids), `scp` (delegated
 * permissions, space separated) or `roles` (application permissions), `azp`/`appid` (client id),
 * `idtyp` (`user` | `app`).
 */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** The admin API's resource identifier: the `aud` of every admin-API access token. */
export function adminApiAudience(issuer: string): string {
  return `${issuer}/api/v1`;
}

/** Client id of the built-in `latchkey admin token` client (appears as `azp`/`appid`). */
export const CLI_APP_ID = '4c0a9d5e-8b7f-4f2e-9c1d-1a7e6b3c5d20';

export interface AccessTokenClaims {
  sub: string;
  oid: string;
  idtyp: 'user' | 'app';
  azp: string;
  appid: string;
  wids: string[];
  upn?: string;
  name?: string;
  scp?: string;
  roles?: string[];
}

/** Signs an access token with `key` (a private JWK with `kid` and `alg`). */
export async function signAccessToken(
  key: JWK & { kid: string },
  claims: AccessTokenClaims,
  options: { issuer: string; audience: string; ttlSeconds: number; now?: Date },
): Promise<{ accessToken: string; expiresIn: number }> {
  const alg = key.alg ?? 'ES256';
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const accessToken = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg, kid: key.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + options.ttlSeconds)
    .setJti(crypto.randomUUID())
    .sign(await importJWK(key, alg));
  return { accessToken, expiresIn: options.ttlSeconds };
}
