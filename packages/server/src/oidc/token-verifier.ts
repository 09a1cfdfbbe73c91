import { errors, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type JWSHeaderParameters } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { TokenVerifier } from '../http/context.ts';
import type { Principal } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import { ACCESS_TOKEN_TYP } from './access-token.ts';
import { findServicePrincipalById, findUserById } from './principals-repository.ts';

/** Algorithms accepted on admin-API tokens; anything else (`none`, HS*) is refused (RFC 8725 §3.1). */
export const ACCEPTED_ALGS = ['ES256', 'RS256'];

export interface TokenVerifierDeps {
  db: Kysely<DB>;
  issuer: string;
  audience: string;
  /** Every public JWK that may verify (the active keys). */
  loadPublicKeys(): Promise<JWK[]>;
  /** Minimum time between key reloads triggered by an unknown kid (default 1000 ms). */
  reloadThrottleMs?: number;
}

export interface CachingTokenVerifier extends TokenVerifier {
  /** Drop the key cache (called when keys change on any node). */
  invalidate(): void;
}

/**
 * Verifies admin-API bearer tokens (CLI tokens and the provider's client-credentials tokens):
 * signature by an active key (cached; reloaded when an unknown kid shows up, e.g. after a
 * rotation on another node), `typ` at+jwt (RFC 9068 §4 — an ID token is not an access token),
 * `iss`, `aud`, `exp`/`nbf`, alg allowlist. Then the subject must still exist and be enabled.
 * Claims map to a Principal: `wids` → roles, `scp` (users) or `roles` (apps) → scopes.
 */
export function createTokenVerifier(deps: TokenVerifierDeps): CachingTokenVerifier {
  let cache: Map<string, { alg: string; key: CryptoKey | Uint8Array }> | undefined;
  let loading: Promise<Map<string, { alg: string; key: CryptoKey | Uint8Array }>> | undefined;
  let lastReload = 0;
  const throttle = deps.reloadThrottleMs ?? 1000;

  const reload = () =>
    (loading ??= (async () => {
      try {
        const jwks = await deps.loadPublicKeys();
        const next = new Map<string, { alg: string; key: CryptoKey | Uint8Array }>();
        for (const jwk of jwks) if (jwk.kid && jwk.alg && ACCEPTED_ALGS.includes(jwk.alg)) next.set(jwk.kid, { alg: jwk.alg, key: await importJWK(jwk, jwk.alg) });
        cache = next;
        lastReload = Date.now();
        return next;
      } finally {
        loading = undefined;
      }
    })());

  const keyFor = async (header: JWSHeaderParameters): Promise<CryptoKey | Uint8Array> => {
    const kid = header.kid;
    if (!kid) throw new ApiError('InvalidAuthenticationToken', 'Access token validation failure: the token has no key id (kid).');
    let keys = cache ?? (await reload());
    if (!keys.has(kid) && Date.now() - lastReload >= throttle) keys = await reload();
    const entry = keys.get(kid);
    if (!entry || entry.alg !== header.alg) throw new ApiError('InvalidAuthenticationToken', 'Access token validation failure: signed by an unknown or retired key.');
    return entry.key;
  };

  return {
    invalidate() {
      cache = undefined;
    },
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor, {
          issuer: deps.issuer,
          audience: deps.audience,
          algorithms: ACCEPTED_ALGS,
          typ: ACCESS_TOKEN_TYP,
          requiredClaims: ['exp', 'iat', 'sub'],
          clockTolerance: 5,
        }));
      } catch (err) {
        throw toAuthError(err);
      }
      return principalFor(deps.db, payload);
    },
  };
}

async function principalFor(db: Kysely<DB>, p: JWTPayload): Promise<Principal> {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const oid = typeof p.oid === 'string' ? p.oid : p.sub!;
  const appId = typeof p.azp === 'string' ? p.azp : typeof p.appid === 'string' ? p.appid : undefined;
  const roles = strings(p.wids);
  if (!/^[0-9a-f-]{36}$/i.test(oid)) throw new ApiError('InvalidAuthenticationToken', 'Access token validation failure: invalid subject.');
  if (p.idtyp === 'app') {
    const sp = await findServicePrincipalById(db, oid);
    if (!sp || !sp.enabled) throw new ApiError('InvalidAuthenticationToken', 'The service principal of this token does not exist or is disabled.');
    return { kind: 'servicePrincipal', id: sp.id, displayName: sp.displayName, ...(sp.appId ? { appId: sp.appId } : {}), roles, scopes: strings(p.roles) };
  }
  const user = await findUserById(db, oid);
  if (!user || !user.enabled) throw new ApiError('InvalidAuthenticationToken', 'The user of this token does not exist or is disabled.');
  return {
    kind: 'user',
    id: user.id,
    displayName: user.displayName,
    ...(user.userPrincipalName ? { userPrincipalName: user.userPrincipalName } : {}),
    ...(appId ? { appId } : {}),
    roles,
    scopes: typeof p.scp === 'string' ? p.scp.split(' ').filter(Boolean) : [],
  };
}

function toAuthError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof errors.JWTExpired) return new ApiError('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
  if (err instanceof errors.JWTClaimValidationFailed) return new ApiError('InvalidAuthenticationToken', `Access token validation failure: the ${err.claim} claim is invalid.`);
  if (err instanceof errors.JOSEAlgNotAllowed) return new ApiError('InvalidAuthenticationToken', 'Access token validation failure: signing algorithm not allowed.');
  return new ApiError('InvalidAuthenticationToken', 'Access token validation failure: invalid signature or malformed token.', { cause: err });
}
