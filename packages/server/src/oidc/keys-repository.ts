import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../store/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** One signing key row as stored (the private JWK still sealed). */
export interface SigningKeyRow {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateJwkSealed: string;
  publicJwk: Record<string, unknown>;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

const COLUMNS = ['kid', 'alg', 'private_jwk_sealed', 'public_jwk', 'status', 'created_at', 'retired_at'] as const;

function toRow(r: {
  kid: string;
  alg: 'ES256' | 'RS256';
  private_jwk_sealed: string;
  public_jwk: Record<string, unknown>;
  status: 'active' | 'retired';
  created_at: Date;
  retired_at: Date | null;
}): SigningKeyRow {
  return {
    kid: r.kid,
    alg: r.alg,
    privateJwkSealed: r.private_jwk_sealed,
    publicJwk: r.public_jwk,
    status: r.status,
    createdAt: new Date(r.created_at),
    retiredAt: r.retired_at ? new Date(r.retired_at) : null,
  };
}

/** Every key, newest first (the first active key of an alg is its signing key). */
export async function listSigningKeys(db: Db, options: { status?: 'active' | 'retired' } = {}): Promise<SigningKeyRow[]> {
  let q = db.selectFrom('oidc_signing_keys').select(COLUMNS).orderBy('created_at', 'desc').orderBy('kid');
  if (options.status) q = q.where('status', '=', options.status);
  return (await q.execute()).map(toRow);
}

export async function insertSigningKey(
  db: Db,
  key: { kid: string; alg: 'ES256' | 'RS256'; privateJwkSealed: string; publicJwk: Record<string, unknown>; createdAt: Date },
): Promise<void> {
  await db
    .insertInto('oidc_signing_keys')
    .values({
      kid: key.kid,
      alg: key.alg,
      private_jwk_sealed: key.privateJwkSealed,
      public_jwk: JSON.stringify(key.publicJwk),
      status: 'active',
      created_at: key.createdAt,
      retired_at: null,
    })
    .execute();
}

/** Marks an active key retired; returns false when no active key has that kid. */
export async function retireSigningKey(db: Db, kid: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('oidc_signing_keys')
    .set({ status: 'retired', retired_at: at })
    .where('kid', '=', kid)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Serialises key creation across nodes (first start, rotation) for the transaction's duration. */
export async function lockSigningKeys(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${7_460_903})`.execute(trx);
}

/** One active key by kid (primary key lookup), or undefined. */
export async function findActiveSigningKey(db: Db, kid: string): Promise<SigningKeyRow | undefined> {
  const r = await db
    .selectFrom('oidc_signing_keys')
    .select(COLUMNS)
    .where('kid', '=', kid)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return r && toRow(r);
}
