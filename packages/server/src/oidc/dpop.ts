import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify, type JWK } from 'jose';
import { ApiError } from '../errors.ts';

/**
 * DPoP (RFC 9449) at Latchkey's own API, the resource server half: oidc-provider binds an access
 * token to the client's key when the token request carries a DPoP proof (`cnf.jkt`, §6.1), and
 * such a token is worth nothing without that key — as long as the resource server checks. This
 * module is that check (§4.3 and §7.1); http/context.ts reads the request, token-verifier.ts
 * decides which tokens need it.
 */

/** Algorithms a proof may be signed with: those discovery names (`dpop_signing_alg_values_supported`, oidc-provider's default). */
export const DPOP_ALGS = ['ES256', 'Ed25519', 'EdDSA'];
/** How far a proof's `iat` may lie from now, either way (§11.1 leaves the window to the server). */
export const DPOP_WINDOW_S = 60;
/** A proof is a small JWT; anything longer is refused before parsing. */
const MAX_PROOF_LENGTH = 4096;

/** How the request presented its access token. */
export interface Presentation {
  scheme: 'Bearer' | 'DPoP';
  /** Every `DPoP` header value (§4.3 step 1: exactly one). */
  proofs: string[];
  method: string;
  /** The request's path, no query; its URL is the public origin's (§4.3 step 9: the URL the client addressed). */
  path: string;
}

/** The `jti`s of proofs already used, per node, kept until their window closes (§11.1). Bounded: the oldest go first. */
export function createProofReplayCache(maxEntries = 100_000) {
  const seen = new Map<string, number>();
  return {
    /** False if this proof was seen before (a replay); records it otherwise. */
    firstUse(key: string, expiresAtS: number, nowS: number): boolean {
      const until = seen.get(key);
      if (until !== undefined && until >= nowS) return false;
      // Full: drop the oldest (a Map iterates in insertion order) until there is room, not the whole map each time.
      for (const k of seen.keys()) {
        if (seen.size < maxEntries) break;
        seen.delete(k);
      }
      seen.set(key, expiresAtS);
      return true;
    },
    get size(): number {
      return seen.size;
    },
  };
}
export type ProofReplayCache = ReturnType<typeof createProofReplayCache>;

const refuse = (message: string, cause?: unknown): never => {
  throw new ApiError('InvalidAuthenticationToken', `DPoP proof refused: ${message}`, cause === undefined ? undefined : { cause });
};

/** The URL a proof's `htu` names, compared without query and fragment (§4.3 step 9, RFC 3986 §6.2.2–6.2.3 through WHATWG URL). */
function sameTarget(htu: unknown, url: string): boolean {
  if (typeof htu !== 'string') return false;
  try {
    const a = new URL(htu);
    const b = new URL(url);
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/**
 * Checks the DPoP proof that came with a DPoP-bound access token (RFC 9449 §4.3, §7.1): one proof,
 * a `dpop+jwt` signed with an allowed algorithm by the public key in its own header, for this
 * method and URL, issued within ±`DPOP_WINDOW_S` of now, not seen before, carrying the token's
 * hash (`ath`), and made with the key the token is bound to (`cnf.jkt`). Throws a 401 ApiError
 * that says which check failed.
 */
export async function verifyDpopProof(o: {
  presentation: Presentation;
  /** Latchkey's public origin (the issuer's). */
  origin: string;
  accessToken: string;
  jkt: string;
  nowS: number;
  replay: ProofReplayCache;
}): Promise<void> {
  const { proofs, method } = o.presentation;
  const url = `${o.origin}${o.presentation.path}`;
  if (proofs.length !== 1)
    refuse(proofs.length === 0 ? 'a DPoP-bound token needs a DPoP header with a proof (RFC 9449 §7.1).' : 'send exactly one DPoP header.');
  const proof = proofs[0]!;
  if (proof.length > MAX_PROOF_LENGTH) refuse('the proof is too long.');
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk!;
  } catch (err) {
    if (err instanceof errors.JOSEAlgNotAllowed) return refuse(`the proof must be signed with ${DPOP_ALGS.join(', ')}.`, err);
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'typ') return refuse('the proof must have typ dpop+jwt.', err);
    return refuse('not a proof signed by the public key in its jwk header.', err);
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) refuse('the proof needs a jti.');
  if (payload.htm !== method) refuse(`the proof is for ${String(payload.htm)}, the request is ${method}.`);
  if (!sameTarget(payload.htu, url)) refuse(`the proof's htu is not this request's URL (${url}).`);
  if (typeof payload.iat !== 'number' || Math.abs(o.nowS - payload.iat) > DPOP_WINDOW_S)
    refuse(`the proof must be issued within ${DPOP_WINDOW_S} seconds of now (iat).`);
  const ath = createHash('sha256').update(o.accessToken, 'ascii').digest('base64url');
  if (payload.ath !== ath) refuse('the proof is not for this access token (ath).');
  if ((await calculateJwkThumbprint(jwk, 'sha256')) !== o.jkt)
    refuse('the proof is signed by another key than the one the token is bound to (cnf.jkt).');
  if (!o.replay.firstUse(`${o.jkt}:${payload.jti as string}`, (payload.iat as number) + DPOP_WINDOW_S, o.nowS))
    refuse('this proof was used before (jti).');
}
