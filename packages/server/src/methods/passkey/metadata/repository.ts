import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, PasskeyTrustAnchorsTable } from '../../../store/schema.ts';
import type { MdsEntry } from './blob.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL for imported FIDO metadata and administrator trust anchors. */

export interface TrustAnchor {
  id: string;
  usage: 'attestation' | 'metadata';
  displayName: string;
  certificatePem: string;
  subject: string;
  thumbprintSha256: string;
  notAfter: Date;
  createdAt: Date;
}

const toAnchor = (r: Selectable<PasskeyTrustAnchorsTable>): TrustAnchor => ({
  id: r.id,
  usage: r.usage,
  displayName: r.display_name,
  certificatePem: r.certificate_pem,
  subject: r.subject,
  thumbprintSha256: r.thumbprint_sha256,
  notAfter: new Date(r.not_after),
  createdAt: new Date(r.created_at),
});

export async function listTrustAnchors(db: Db, usage?: TrustAnchor['usage']): Promise<TrustAnchor[]> {
  let q = db.selectFrom('passkey_trust_anchors').selectAll().orderBy('created_at').orderBy('id');
  if (usage) q = q.where('usage', '=', usage);
  return (await q.execute()).map(toAnchor);
}

export async function insertTrustAnchor(db: Db, a: Omit<TrustAnchor, 'createdAt'>): Promise<TrustAnchor> {
  const row = await db
    .insertInto('passkey_trust_anchors')
    .values({ id: a.id, usage: a.usage, display_name: a.displayName, certificate_pem: a.certificatePem, subject: a.subject, thumbprint_sha256: a.thumbprintSha256, not_after: a.notAfter })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAnchor(row);
}

export async function deleteTrustAnchor(db: Db, id: string): Promise<TrustAnchor | undefined> {
  const row = await db.deleteFrom('passkey_trust_anchors').where('id', '=', id).returningAll().executeTakeFirst();
  return row ? toAnchor(row) : undefined;
}

/** The metadata entry of one AAGUID, or undefined when no imported BLOB lists it. */
export async function findMetadataEntry(db: Db, aaguid: string): Promise<MdsEntry | undefined> {
  const r = await db.selectFrom('passkey_metadata_entries').selectAll().where('aaguid', '=', aaguid.toLowerCase()).executeTakeFirst();
  return r ? { aaguid: r.aaguid, description: r.description, attestationRootCertificates: r.attestation_root_certificates, attestationTypes: r.attestation_types, statusReports: r.status_reports } : undefined;
}

/** Descriptions by AAGUID, for showing model names beside passkeys. */
export async function metadataDescriptions(db: Db, aaguids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(aaguids.map((a) => a.toLowerCase()))];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('passkey_metadata_entries').select(['aaguid', 'description']).where('aaguid', 'in', unique).execute();
  return new Map(rows.map((r) => [r.aaguid, r.description]));
}

/** The highest BLOB serial number imported so far (0 when none). */
export async function latestBlobNo(db: Db): Promise<number> {
  const r = await db.selectFrom('passkey_metadata_imports').select((eb) => eb.fn.max('blob_no').as('no')).executeTakeFirst();
  return Number(r?.no ?? 0);
}

/** Replaces every metadata entry with the BLOB's and records the import. Call inside a transaction. */
export async function replaceMetadata(trx: Transaction<DB>, blob: { id: string; no: number; nextUpdate: string | null; signerSubject: string; entries: readonly MdsEntry[] }): Promise<void> {
  await trx.deleteFrom('passkey_metadata_entries').execute();
  for (let i = 0; i < blob.entries.length; i += 500) {
    const batch = blob.entries.slice(i, i + 500);
    await trx
      .insertInto('passkey_metadata_entries')
      .values(
        batch.map((e) => ({
          aaguid: e.aaguid,
          description: e.description,
          attestation_root_certificates: JSON.stringify(e.attestationRootCertificates),
          attestation_types: JSON.stringify(e.attestationTypes),
          status_reports: JSON.stringify(e.statusReports),
          blob_no: blob.no,
        })),
      )
      .onConflict((oc) => oc.column('aaguid').doNothing())
      .execute();
  }
  await trx
    .insertInto('passkey_metadata_imports')
    .values({ id: blob.id, blob_no: blob.no, next_update: blob.nextUpdate, entry_count: blob.entries.length, signer_subject: blob.signerSubject })
    .execute();
}

/** The newest import and the number of entries stored, or undefined before the first import. */
export async function lastMetadataImport(db: Db): Promise<{ no: number; nextUpdate: string | null; entryCount: number; signerSubject: string; importedAt: Date } | undefined> {
  const r = await db.selectFrom('passkey_metadata_imports').selectAll().orderBy('imported_at', 'desc').orderBy('blob_no', 'desc').limit(1).executeTakeFirst();
  if (!r) return undefined;
  const next = r.next_update as unknown;
  return { no: r.blob_no, nextUpdate: next instanceof Date ? next.toISOString().slice(0, 10) : (next as string | null), entryCount: r.entry_count, signerSubject: r.signer_subject, importedAt: new Date(r.imported_at) };
}
