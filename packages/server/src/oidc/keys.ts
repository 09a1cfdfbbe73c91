import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { Envelope } from '../secrets/envelope.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { ApiError } from '../errors.ts';
import { insertSigningKey, listSigningKeys, lockSigningKeys, retireSigningKey, type SigningKeyRow } from './keys-repository.ts';

/**
 * Token signing keys. One ES256 and one RS256 key are generated on first start (RS256 because
 * OpenID Connect Core §15.1 makes it the default ID token alg; ES256 signs admin-API access
 * tokens). Private JWKs are sealed with the envelope; the public halves are published at the JWKS.
 *
 * Rotation adds a new key per alg; the newest active key of an alg signs, older active keys keep
 * verifying (and stay in the JWKS) until `retire` removes them. Every change is NOTIFYed on
 * KEYS_CHANGED_CHANNEL so each node reloads its verifier cache and provider keystore.
 */
export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
export const KEYS_CHANGED_CHANNEL = 'latchkey_oidc_keys';

/** The envelope purpose of a signing key's private half (secrets/sealed-columns.ts lists it for rewrapping). */
export const signingKeyPurpose = (kid: string): string => `oidc-signing-key:${kid}`;

/** A freshly generated key pair as JWKs, its kid the RFC 7638 thumbprint. */
export async function generateSigningKey(alg: SigningAlg): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const meta = { kid, alg, use: 'sig' };
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...pub, ...meta } };
}

async function addKeys(db: Kysely<DB>, envelope: Envelope, algs: readonly SigningAlg[], force: boolean): Promise<string[]> {
  const generated = await Promise.all(algs.map(async (alg) => ({ alg, ...(await generateSigningKey(alg)) })));
  return db.transaction().execute(async (trx) => {
    await lockSigningKeys(trx);
    const active = await listSigningKeys(trx, { status: 'active' });
    const added: string[] = [];
    for (const k of generated) {
      if (!force && active.some((a) => a.alg === k.alg)) continue;
      await insertSigningKey(trx, {
        kid: k.kid,
        alg: k.alg,
        privateJwkSealed: envelope.seal(JSON.stringify(k.privateJwk), signingKeyPurpose(k.kid)),
        publicJwk: k.publicJwk as Record<string, unknown>,
        createdAt: new Date(),
      });
      added.push(k.kid);
    }
    return added;
  });
}

/** First start: creates a key for every alg that has no active key. Safe on concurrent nodes. */
export async function ensureSigningKeys(db: Kysely<DB>, envelope: Envelope): Promise<string[]> {
  const active = await listSigningKeys(db, { status: 'active' });
  if (SIGNING_ALGS.every((alg) => active.some((k) => k.alg === alg))) return [];
  return addKeys(db, envelope, SIGNING_ALGS, false);
}

/** Rotation: a new signing key per alg; the previous keys keep verifying until retired. */
export async function rotateSigningKeys(
  db: Kysely<DB>,
  envelope: Envelope,
  ctx: RequestContext,
  notify: (channel: string, payload: string) => Promise<void>,
): Promise<string[]> {
  const added = await addKeys(db, envelope, SIGNING_ALGS, true);
  await db
    .transaction()
    .execute((trx) =>
      recordAudit(trx, ctx, {
        category: 'KeyManagement',
        activity: 'Rotate token signing keys',
        operationType: 'Add',
        targets: added.map((kid) => ({ id: kid, type: 'Other', displayName: 'OIDC signing key' })),
      }),
    );
  await notify(KEYS_CHANGED_CHANNEL, 'rotated');
  return added;
}

/** Retires a key: no longer published nor accepted. The current signing key cannot be retired. */
export async function retireKey(
  db: Kysely<DB>,
  kid: string,
  ctx: RequestContext,
  notify: (channel: string, payload: string) => Promise<void>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockSigningKeys(trx);
    const active = await listSigningKeys(trx, { status: 'active' });
    const key = active.find((k) => k.kid === kid);
    if (!key) throw new ApiError('Request_ResourceNotFound', `No active signing key '${kid}'.`);
    if (active.find((k) => k.alg === key.alg) === key)
      throw new ApiError('Request_BadRequest', `Key '${kid}' is the current ${key.alg} signing key; rotate first.`);
    await retireSigningKey(trx, kid, new Date());
    await recordAudit(trx, ctx, {
      category: 'KeyManagement',
      activity: 'Retire token signing key',
      operationType: 'Delete',
      targets: [{ id: kid, type: 'Other', displayName: 'OIDC signing key' }],
    });
  });
  await notify(KEYS_CHANGED_CHANNEL, 'retired');
}

/** The active keys, opened: the signing key per alg plus every active public JWK. */
export interface SigningKeySet {
  /** Newest active private JWK per alg. */
  signing: Map<SigningAlg, JWK & { kid: string }>;
  /** All active private JWKs, signing keys first (oidc-provider's `jwks`). */
  privateJwks: Array<JWK & { kid: string }>;
  /** All active public JWKs. */
  publicJwks: Array<JWK & { kid: string }>;
}

export async function loadSigningKeys(db: Kysely<DB>, envelope: Envelope): Promise<SigningKeySet> {
  const rows = await listSigningKeys(db, { status: 'active' });
  const privateJwks = rows.map(
    (r) => JSON.parse(envelope.open(r.privateJwkSealed, signingKeyPurpose(r.kid)).toString('utf8')) as JWK & { kid: string },
  );
  const signing = new Map<SigningAlg, JWK & { kid: string }>();
  for (const [i, r] of rows.entries()) if (!signing.has(r.alg)) signing.set(r.alg, privateJwks[i]!);
  const first = new Set([...signing.values()].map((k) => k.kid));
  privateJwks.sort((a, b) => Number(first.has(b.kid)) - Number(first.has(a.kid)));
  return { signing, privateJwks, publicJwks: rows.map((r) => r.publicJwk as JWK & { kid: string }) };
}

/** Key metadata for `latchkey keys list` (never the private half). */
export async function describeKeys(
  db: Kysely<DB>,
): Promise<Array<Pick<SigningKeyRow, 'kid' | 'alg' | 'status' | 'createdAt' | 'retiredAt'> & { signing: boolean }>> {
  const rows = await listSigningKeys(db);
  const signing = new Set(SIGNING_ALGS.map((alg) => rows.find((r) => r.alg === alg && r.status === 'active')?.kid));
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    status: r.status,
    createdAt: r.createdAt,
    retiredAt: r.retiredAt,
    signing: signing.has(r.kid),
  }));
}
