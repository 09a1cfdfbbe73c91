import { errors, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type JWSHeaderParameters } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { TokenVerifier } from '../http/context.ts';
import type { Principal } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import { ACCESS_TOKEN_TYP } from './access-token.ts';
import { findServicePrincipalById, findUserById, type SubjectRecord } from './principals-repository.ts';
import { createPrincipalCache } from './principal-cache.ts';
import { createVerifiedTokenCache } from './verified-token-cache.ts';
import { createProofReplayCache, verifyDpopProof, type Presentation } from './dpop.ts';

/** Algorithms accepted on admin-API tokens; anything else (`none`, HS*) is refused (RFC 8725 §3.1). */
export const ACCEPTED_ALGS = ['ES256', 'RS256'];

export interface TokenVerifierDeps {
  db: Kysely<DB>;
  issuer: string;
  audience: string;
  /** Every public JWK that may verify (the active keys). */
  loadPublicKeys(): Promise<JWK[]>;
  /** One active public JWK by kid (a key rotated in on another node since the last load). */
  loadPublicKey(kid: string): Promise<JWK | undefined>;
  /** Reload everything at least this often, should a key-change NOTIFY be missed (default 60 s). */
  cacheTtlMs?: number;
  /** Verified tokens remembered (by their exact text) until they expire; default 10,000. */
  verifiedCacheSize?: number;
  /** How long a token subject's read may be reused when no change was signalled (default 30 s; 0 = read every request). */
  principalTtlMs?: number;
}

export interface CachingTokenVerifier extends TokenVerifier {
  /** Drop the key cache (called when keys change on any node). */
  invalidate(): void;
  /** Forget the cached read of this user or service principal (it changed, on this node or another). */
  forgetPrincipal(id: string): void;
}

type KeyCache = Map<string, { alg: string; key: CryptoKey | Uint8Array }>;

/**
 * Verifies admin-API bearer tokens (CLI tokens and the provider's client-credentials tokens):
 * signature by an active key (cached; an unknown kid is looked up by primary key, e.g. a key
 * rotated in on another node), `typ` at+jwt (RFC 9068 §4 — an ID token is not an access
 * token), `iss`, `aud`, `exp`/`nbf`, alg allowlist. Then the subject must still exist and be
 * enabled (its read is cached until it changes: principal-cache.ts, ADR 0011), and a user's token must
 * come from a sign-in after their last revokeSignInSessions. Claims map to a Principal: `wids` →
 * roles, `scp` (users) or `roles` (apps) → scopes. A DPoP-bound token needs its proof (oidc/dpop.ts).
 */
export function createTokenVerifier(deps: TokenVerifierDeps): CachingTokenVerifier {
  let cache: { keys: KeyCache; loadedAt: number } | undefined;
  const verified = createVerifiedTokenCache(deps.verifiedCacheSize ?? 10_000);
  const proofs = createProofReplayCache();
  const origin = new URL(deps.issuer).origin;
  const subjects = createPrincipalCache({ ttlMs: deps.principalTtlMs ?? 30_000, maxEntries: 10_000 });
  const lookups: SubjectLookups = {
    user: (id) => cachedSubject(subjects, `user:${id}`, () => findUserById(deps.db, id)),
    servicePrincipal: (id) => cachedSubject(subjects, `servicePrincipal:${id}`, () => findServicePrincipalById(deps.db, id)),
  };
  let loading: Promise<KeyCache> | undefined;
  const ttl = deps.cacheTtlMs ?? 60_000;
  const importKey = async (jwk: JWK) =>
    jwk.kid && jwk.alg && ACCEPTED_ALGS.includes(jwk.alg) ? { alg: jwk.alg, key: await importJWK(jwk, jwk.alg) } : undefined;

  const reload = () =>
    (loading ??= (async () => {
      try {
        const keys: KeyCache = new Map();
        for (const jwk of await deps.loadPublicKeys()) {
          const k = await importKey(jwk);
          if (k) keys.set(jwk.kid!, k);
        }
        cache = { keys, loadedAt: Date.now() };
        return keys;
      } finally {
        loading = undefined;
      }
    })());

  const keyFor = async (header: JWSHeaderParameters): Promise<CryptoKey | Uint8Array> => {
    const kid = header.kid;
    if (!kid || kid.length > 100)
      throw new ApiError('InvalidAuthenticationToken', 'Access token validation failure: the token has no valid key id (kid).');
    const keys = cache && Date.now() - cache.loadedAt < ttl ? cache.keys : await reload();
    let entry = keys.get(kid);
    if (!entry) {
      const jwk = await deps.loadPublicKey(kid);
      entry = jwk && (await importKey(jwk));
      if (entry) keys.set(kid, entry);
    }
    if (!entry || entry.alg !== header.alg)
      throw new ApiError('InvalidAuthenticationToken', 'Access token validation failure: signed by an unknown or retired key.');
    return entry.key;
  };

  return {
    invalidate() {
      cache = undefined;
      verified.clear();
    },
    forgetPrincipal(id) {
      subjects.evict(id);
    },
    async verify(token, presentation) {
      const payload = verified.get(token, Date.now()) ?? (await verifySignature(token));
      await checkBinding(token, payload, presentation);
      return principalFor(lookups, payload);
    },
  };

  /** The token's signature and claims, checked once per token text and then remembered until it expires. */
  async function verifySignature(token: string): Promise<JWTPayload> {
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
    verified.set(token, payload);
    return payload;
  }

  /**
   * RFC 9449: a token bound to a key (`cnf.jkt`) is accepted only as `Authorization: DPoP` with a
   * proof made with that key (§7.1; as `Bearer` it is refused, §7.2), and the DPoP scheme only
   * with a bound token. Checked at every request, also for a token whose signature is cached.
   */
  async function checkBinding(token: string, payload: JWTPayload, presentation: Presentation | undefined): Promise<void> {
    const cnf = payload.cnf as { jkt?: unknown } | undefined;
    const jkt = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
    const scheme = presentation?.scheme ?? 'Bearer';
    if (!jkt) {
      if (scheme === 'DPoP') throw new ApiError('InvalidAuthenticationToken', 'This access token is not bound to a DPoP key; send it as Authorization: Bearer <token>.');
      return;
    }
    if (scheme !== 'DPoP' || !presentation)
      throw new ApiError('InvalidAuthenticationToken', 'This access token is bound to a DPoP key (cnf.jkt); send it as Authorization: DPoP <token> with a DPoP proof (RFC 9449).');
    await verifyDpopProof({ presentation, origin, accessToken: token, jkt, nowS: Math.floor(Date.now() / 1000), replay: proofs });
  }
}

type SubjectLookups = Record<'user' | 'servicePrincipal', (id: string) => Promise<SubjectRecord | undefined>>;

async function cachedSubject(cache: ReturnType<typeof createPrincipalCache>, key: string, read: () => Promise<SubjectRecord | undefined>): Promise<SubjectRecord | undefined> {
  const hit = cache.get(key, Date.now());
  if (hit) return hit.subject;
  const at = Date.now();
  const mark = cache.mark;
  const subject = await read();
  cache.set(key, subject, at, mark);
  return subject;
}

async function principalFor(lookups: SubjectLookups, p: JWTPayload): Promise<Principal> {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const oid = typeof p.oid === 'string' ? p.oid : p.sub!;
  const appId = typeof p.azp === 'string' ? p.azp : typeof p.appid === 'string' ? p.appid : undefined;
  const roles = strings(p.wids);
  if (!/^[0-9a-f-]{36}$/i.test(oid)) throw new ApiError('InvalidAuthenticationToken', 'Access token validation failure: invalid subject.');
  if (p.idtyp === 'app') {
    const sp = await lookups.servicePrincipal(oid);
    if (!sp || !sp.enabled)
      throw new ApiError('InvalidAuthenticationToken', 'The service principal of this token does not exist or is disabled.');
    return {
      kind: 'servicePrincipal',
      id: sp.id,
      displayName: sp.displayName,
      ...(sp.appId ? { appId: sp.appId } : {}),
      roles,
      scopes: strings(p.roles),
    };
  }
  const user = await lookups.user(oid);
  if (!user || !user.enabled) throw new ApiError('InvalidAuthenticationToken', 'The user of this token does not exist or is disabled.');
  // Continuous access evaluation for Latchkey's own API (ADR 0017 update): a token from a sign-in
  // (or minted) before revokeSignInSessions is refused at once, not when it expires. Whole seconds
  // (auth_time, iat) against the instant of the revocation: a sign-in in that very second counts as before.
  const signedInAt = typeof p.auth_time === 'number' ? p.auth_time : p.iat!;
  if (user.sessionsValidFrom !== undefined && signedInAt * 1000 < user.sessionsValidFrom)
    throw new ApiError('InvalidAuthenticationToken', "This user's sign-in sessions were revoked after this token was issued: sign in again.");
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
  if (err instanceof errors.JWTExpired)
    return new ApiError('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
  if (err instanceof errors.JWTClaimValidationFailed)
    return new ApiError('InvalidAuthenticationToken', `Access token validation failure: the ${err.claim} claim is invalid.`);
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new ApiError('InvalidAuthenticationToken', 'Access token validation failure: signing algorithm not allowed.');
  return new ApiError('InvalidAuthenticationToken', 'Access token validation failure: invalid signature or malformed token.', {
    cause: err,
  });
}
