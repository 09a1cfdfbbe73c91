import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, PasskeyCredentialsTable } from '../../store/schema.ts';
import { queryTemplate } from '../../store/query-template.ts';
import { onlyAfter } from '../../store/batched-statement.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A stored passkey. `publicKey` is the COSE_Key exactly as the authenticator sent it. */
export interface PasskeyCredential {
  id: string;
  credentialId: string;
  userId: string;
  publicKey: Uint8Array;
  signCount: number;
  aaguid: string;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  attestationFormat: string;
  attestationTrust: 'trusted' | 'untrusted' | 'self' | 'none';
  /** SHA-1 thumbprints of the attestation certificates, leaf first (Graph `attestationCertificates`). */
  attestationCertificates: string[];
  displayName: string;
  rpId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewPasskeyCredential = Omit<PasskeyCredential, 'createdAt' | 'lastUsedAt'>;

function toCredential(r: Selectable<PasskeyCredentialsTable>): PasskeyCredential {
  return {
    id: r.id,
    credentialId: r.credential_id,
    userId: r.user_id,
    publicKey: new Uint8Array(r.public_key),
    signCount: Number(r.sign_count),
    aaguid: r.aaguid,
    transports: r.transports,
    backupEligible: r.backup_eligible,
    backedUp: r.backed_up,
    attestationFormat: r.attestation_format,
    attestationTrust: r.attestation_trust,
    attestationCertificates: r.attestation_certificates,
    displayName: r.display_name,
    rpId: r.rp_id,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  };
}

/** Inserts a credential. A duplicate credential id raises the database's unique violation. */
export async function insertCredential(db: Db, c: NewPasskeyCredential): Promise<PasskeyCredential> {
  const row = await db
    .insertInto('passkey_credentials')
    .values({
      id: c.id,
      credential_id: c.credentialId,
      user_id: c.userId,
      public_key: c.publicKey,
      sign_count: c.signCount,
      aaguid: c.aaguid,
      transports: JSON.stringify(c.transports),
      backup_eligible: c.backupEligible,
      backed_up: c.backedUp,
      attestation_format: c.attestationFormat,
      attestation_trust: c.attestationTrust,
      attestation_certificates: JSON.stringify(c.attestationCertificates),
      display_name: c.displayName,
      rp_id: c.rpId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCredential(row);
}

export async function findByCredentialId(db: Db, credentialId: string): Promise<PasskeyCredential | undefined> {
  const row = await db.selectFrom('passkey_credentials').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  return row ? toCredential(row) : undefined;
}

/** One of a user's passkeys by its method id (Graph `fido2AuthenticationMethod.id`). */
export async function findUserCredential(db: Db, userId: string, id: string): Promise<PasskeyCredential | undefined> {
  const row = await db.selectFrom('passkey_credentials').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return row ? toCredential(row) : undefined;
}

/** A user's passkeys, oldest first. */
export async function listUserCredentials(db: Db, userId: string): Promise<PasskeyCredential[]> {
  const rows = await db
    .selectFrom('passkey_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toCredential);
}

/** The credential ids and transports of a user's passkeys (allow/exclude lists). */
export async function listUserCredentialDescriptors(
  db: Db,
  userId: string,
): Promise<Array<{ credentialId: string; transports: string[] }>> {
  const rows = await db
    .selectFrom('passkey_credentials')
    .select(['credential_id', 'transports'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ credentialId: r.credential_id, transports: r.transports }));
}

/**
 * Records a successful assertion: the new counter, backup state and last use — only if the
 * counter moved forward (or both are 0: the authenticator has no counter). Atomic: of two
 * assertions racing with the same counter, one updates and the other sees `false`.
 */
export async function recordUse(db: Db, id: string, u: { newSignCount: number; backedUp: boolean; at: Date }): Promise<boolean> {
  // WebAuthn L3 §7.2 step 22: the new counter must be greater than the stored one, unless both are 0.
  const r = await (u.newSignCount === 0 ? recordUseNoCounter : recordUseCounting).execute(db, {
    id,
    count: u.newSignCount,
    backedUp: u.backedUp,
    at: u.at,
  });
  return Number(r.numAffectedRows) === 1;
}

/** A use to record: `recordUse`'s arguments, as an item of `credentialUseSql`. */
export type CredentialUse = { id: string; newSignCount: number; backedUp: boolean; at: Date };
export const encodeCredentialUse = (u: CredentialUse) => ({
  id: u.id,
  count: u.newSignCount,
  backed_up: u.backedUp,
  at: u.at.toISOString(),
});

/**
 * `recordUse` for the uses of `source` (a jsonb array of `encodeCredentialUse` items with `n`),
 * each with the same counter rule; returns the `n` of those stored. Two uses of one credential
 * must not share a statement (only one of them would apply). `after`: only the items whose `n` that
 * relation (a CTE) holds.
 */
export function credentialUseSql(source: string, after?: string): string {
  return `update passkey_credentials as c set sign_count = v.count, backed_up = v.backed_up, last_used_at = v.at
from jsonb_to_recordset(${source}) as v(n int, id uuid, count bigint, backed_up boolean, at timestamptz)
where c.id = v.id and (case when v.count = 0 then c.sign_count = 0 else c.sign_count < v.count end)
  and c.id = any(array(select (e->>'id')::uuid from jsonb_array_elements(${source}) e))${onlyAfter(after)}
returning v.n`;
}

type UseArgs = { id: string; count: number; backedUp: boolean; at: Date };
/** The counter update of every sign-in, built once per comparison (store/query-template.ts). */
const recordUseQuery = (op: '=' | '<') => (db: Kysely<DB>, a: UseArgs) =>
  db
    .updateTable('passkey_credentials')
    .set({ sign_count: a.count, backed_up: a.backedUp, last_used_at: a.at })
    .where('id', '=', a.id)
    .where('sign_count', op, a.count);
const recordUseNoCounter = queryTemplate(['id', 'count', 'backedUp', 'at'], recordUseQuery('='));
const recordUseCounting = queryTemplate(['id', 'count', 'backedUp', 'at'], recordUseQuery('<'));

/** Renames one of a user's passkeys; returns the row before the change, or undefined. */
export async function renameUserCredential(
  db: Db,
  userId: string,
  id: string,
  displayName: string,
): Promise<PasskeyCredential | undefined> {
  const before = await findUserCredential(db, userId, id);
  if (!before) return undefined;
  await db
    .updateTable('passkey_credentials')
    .set({ display_name: displayName })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .execute();
  return before;
}

/** Deletes one of a user's passkeys; returns the deleted row, or undefined. */
export async function deleteUserCredential(db: Db, userId: string, id: string): Promise<PasskeyCredential | undefined> {
  const row = await db
    .deleteFrom('passkey_credentials')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ? toCredential(row) : undefined;
}

/** The user's directory facts a ceremony needs (WebAuthn user entity), or undefined. */
export async function findPasskeyUser(
  db: Db,
  userId: string,
): Promise<{ id: string; userPrincipalName: string; displayName: string; accountEnabled: boolean } | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'user_principal_name', 'display_name', 'account_enabled'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row
    ? { id: row.id, userPrincipalName: row.user_principal_name, displayName: row.display_name, accountEnabled: row.account_enabled }
    : undefined;
}
