import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SettingsService } from '@simplewebauthn/server';
import type { DB } from '../../../store/schema.ts';
import type { RequestContext } from '../../../auth/principal.ts';
import { recordAudit } from '../../../audit/record.ts';
import { badRequest } from '../../../errors.ts';
import { verifyMdsBlob } from './blob.ts';
import { latestBlobNo, listTrustAnchors, replaceMetadata } from './repository.ts';

export interface MetadataImportResult {
  no: number;
  nextUpdate: string | null;
  /** The BLOB's legal header (not stored; only the import answer carries it). */
  legalHeader: string | null;
  entryCount: number;
  signerSubject: string;
}

/**
 * The roots an MDS BLOB signer may chain to: the FIDO Alliance's ("GlobalSign Root CA - R3" and
 * "GlobalSign Root R46", as shipped in @simplewebauthn/server's SettingsService) plus the
 * administrator's `metadata` trust anchors (private metadata services, tests).
 */
export async function metadataRoots(db: Kysely<DB>): Promise<string[]> {
  const builtIn = SettingsService.getRootCertificates({ identifier: 'mds' });
  const custom = (await listTrustAnchors(db, 'metadata')).map((a) => a.certificatePem);
  return [...builtIn, ...custom];
}

/**
 * Imports a FIDO MDS3 BLOB file the administrator uploaded: verifies its signature chain
 * (`blob.ts`), refuses a BLOB older than the one already imported (FIDO MDS v3.0 §3.2: `no`
 * must not decrease), then replaces the stored entries and writes the audit entry in one
 * transaction. Nothing is fetched from the network. On any failure nothing changes.
 */
export async function importMetadataBlob(db: Kysely<DB>, ctx: RequestContext, jwt: string): Promise<MetadataImportResult> {
  const blob = await verifyMdsBlob(jwt, await metadataRoots(db));
  return db.transaction().execute(async (trx) => {
    const latest = await latestBlobNo(trx);
    if (blob.no < latest) throw badRequest(`This metadata BLOB (no ${blob.no}) is older than the one already imported (no ${latest}).`, { reason: 'metadataStale' });
    await replaceMetadata(trx, { id: randomUUID(), ...blob });
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Import FIDO metadata',
      operationType: 'Update',
      targets: [{ id: `mds:${blob.no}`, displayName: 'FIDO metadata BLOB', type: 'Policy' }],
      details: { blobNo: String(blob.no), entryCount: String(blob.entries.length), nextUpdate: blob.nextUpdate ?? '', signer: blob.signerSubject },
    });
    return { no: blob.no, nextUpdate: blob.nextUpdate, legalHeader: blob.legalHeader, entryCount: blob.entries.length, signerSubject: blob.signerSubject };
  });
}
