import { describe, expect, it, beforeAll } from 'vitest';
import { createTestAttestationCa, createTestCa, mdsEntry, signMdsBlob, type TestAttestationCa } from '@latchkey/authenticator';
import { describeEachStore } from '../support/stores.ts';
import { ApiError } from '../../src/errors.ts';
import { importMetadataBlob } from '../../src/methods/passkey/metadata/import.ts';
import { addTrustAnchor, getTrustAnchors, removeTrustAnchor } from '../../src/methods/passkey/metadata/trust-anchors.ts';
import { findMetadataEntry } from '../../src/methods/passkey/metadata/repository.ts';
import { AAGUID, countRows, ctx, newUser, reasonOf, register, setFido2, softAuthenticator } from './support.ts';

const detailsReason = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return (e.details as { reason?: string } | undefined)?.reason ?? e.code;
    throw e;
  }
  return 'accepted';
};

describeEachStore('FIDO metadata and trust anchors', (store) => {
  let mdsRoot: Awaited<ReturnType<typeof createTestCa>>;
  let signer: Awaited<ReturnType<Awaited<ReturnType<typeof createTestCa>>['issue']>>;
  let vendor: TestAttestationCa;

  beforeAll(async () => {
    mdsRoot = await createTestCa('C=US, O=Test MDS, CN=Test MDS Root');
    signer = await mdsRoot.issue('C=US, O=Test MDS, CN=mds.test');
    vendor = await createTestAttestationCa({ aaguid: AAGUID, name: 'Acme Keys' });
    await setFido2(store(), { isAttestationEnforced: true });
  });

  const blob = (entries: Array<Record<string, unknown>>, no = 10, key = signer.privateKey) => signMdsBlob({ entries, signerKey: key, signerChainPem: [signer.pem], no });

  it('refuses a BLOB whose signer does not chain to a configured root (the FIDO root by default)', async () => {
    expect(await detailsReason(importMetadataBlob(store().db, ctx, blob([])))).toBe('metadataSignerUntrusted');
    expect(await countRows(store(), 'passkey_metadata_entries')).toBe(0);
  });

  it('refuses a BLOB with a bad signature, storing nothing', async () => {
    await addTrustAnchor(store().db, ctx, { displayName: 'Test MDS root', certificatePem: mdsRoot.pem, usage: 'metadata' });
    const other = await mdsRoot.issue('C=US, O=Test MDS, CN=other');
    const forged = blob([mdsEntry({ aaguid: AAGUID, description: 'Forged', attestationRootCertificates: [vendor.root.pem] })], 10, other.privateKey);
    expect(await detailsReason(importMetadataBlob(store().db, ctx, forged))).toBe('metadataSignatureInvalid');
    const [h, p, s] = blob([]).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ no: 99, entries: [] })).toString('base64url')}.${s}`;
    expect(p).not.toBe(tampered.split('.')[1]);
    expect(await detailsReason(importMetadataBlob(store().db, ctx, tampered))).toBe('metadataSignatureInvalid');
    expect(await detailsReason(importMetadataBlob(store().db, ctx, 'not a jwt'))).toBe('metadataMalformed');
    expect(await countRows(store(), 'passkey_metadata_entries')).toBe(0);
  });

  it('imports a signed BLOB; its roots anchor attestation and its description names the passkey', async () => {
    const result = await importMetadataBlob(store().db, ctx, blob([mdsEntry({ aaguid: AAGUID, description: 'Acme Key 5', attestationRootCertificates: [vendor.root.pem] }), { legacy: 'u2f entry without aaguid' }]));
    expect(result).toMatchObject({ no: 10, entryCount: 1 });
    expect((await findMetadataEntry(store().db, AAGUID))?.description).toBe('Acme Key 5');

    const userId = await newUser(store());
    const auth = softAuthenticator({ attestation: { format: 'packed', certChainPem: vendor.certChainPem, privateKey: vendor.leaf.privateKey } });
    const { result: reg } = await register(store(), auth, userId);
    expect(reg.credential).toMatchObject({ attestationTrust: 'trusted', displayName: 'Acme Key 5' });
    expect(reg.model).toBe('Acme Key 5');

    // The Acme root is listed for AAGUID only: a different model chaining to it is not trusted through it.
    const otherAaguid = '99999999-8888-4777-8666-555555555555';
    const otherLeaf = await vendor.issueLeaf(otherAaguid);
    const impostor = softAuthenticator({ aaguid: otherAaguid, attestation: { format: 'packed', certChainPem: [otherLeaf.pem], privateKey: otherLeaf.privateKey } });
    expect(await reasonOf(register(store(), impostor, userId))).toBe('attestationUntrusted');
  });

  it('refuses an older BLOB than the one imported', async () => {
    expect(await detailsReason(importMetadataBlob(store().db, ctx, blob([], 9)))).toBe('metadataStale');
    expect(await countRows(store(), 'passkey_metadata_entries')).toBe(1);
  });

  it('refuses registration of a model the metadata reports as revoked', async () => {
    await importMetadataBlob(store().db, ctx, blob([mdsEntry({ aaguid: AAGUID, description: 'Acme Key 5', attestationRootCertificates: [vendor.root.pem], statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2024-01-01' }, { status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2025-01-01' }] })], 11));
    const userId = await newUser(store());
    const auth = softAuthenticator({ attestation: { format: 'packed', certChainPem: vendor.certChainPem, privateKey: vendor.leaf.privateKey } });
    expect(await reasonOf(register(store(), auth, userId))).toBe('authenticatorRevoked');
  });

  it('manages attestation trust anchors: refuses leaves and duplicates, deletes with audit', async () => {
    expect(await detailsReason(addTrustAnchor(store().db, ctx, { displayName: 'leaf', certificatePem: vendor.leaf.pem, usage: 'attestation' }))).toBe('certificateNotCa');
    expect(await detailsReason(addTrustAnchor(store().db, ctx, { displayName: 'junk', certificatePem: 'nope', usage: 'attestation' }))).toBe('certificateMalformed');
    const a = await addTrustAnchor(store().db, ctx, { displayName: 'Acme root', certificatePem: vendor.root.pem, usage: 'attestation' });
    expect(a.subject).toContain('CN=Acme Keys Attestation Root');
    expect(await detailsReason(addTrustAnchor(store().db, ctx, { displayName: 'again', certificatePem: vendor.root.pem, usage: 'attestation' }))).toBe('Request_Conflict');
    expect((await getTrustAnchors(store().db, 'attestation')).map((x) => x.id)).toContain(a.id);
    await removeTrustAnchor(store().db, ctx, a.id);
    expect((await getTrustAnchors(store().db, 'attestation')).map((x) => x.id)).not.toContain(a.id);
    expect(await detailsReason(removeTrustAnchor(store().db, ctx, a.id))).toBe('Request_ResourceNotFound');
    const audit = await store().db.selectFrom('audit_log').select('activity_display_name').where('activity_display_name', 'in', ['Add passkey trust anchor', 'Delete passkey trust anchor', 'Import FIDO metadata']).execute();
    expect(new Set(audit.map((r) => r.activity_display_name))).toEqual(new Set(['Add passkey trust anchor', 'Delete passkey trust anchor', 'Import FIDO metadata']));
  });
});

describe('metadata roots', () => {
  it('include the FIDO root, GlobalSign Root CA - R3, by default', async () => {
    const { SettingsService } = await import('@simplewebauthn/server');
    const { X509Certificate } = await import('node:crypto');
    const subjects = SettingsService.getRootCertificates({ identifier: 'mds' }).map((p) => new X509Certificate(p).subject);
    expect(subjects.some((s) => s.includes('GlobalSign Root CA - R3'))).toBe(true);
  });
});
