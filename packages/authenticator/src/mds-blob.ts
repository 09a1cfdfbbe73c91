import { sign, type KeyObject } from 'node:crypto';
import { pemToDer } from './encoding.ts';

/** One entry of a FIDO MDS3 BLOB payload (FIDO Metadata Service v3.0 §3.1.1 MetadataBLOBPayloadEntry), the fields Latchkey reads. */
export interface MdsEntryInput {
  aaguid: string;
  description: string;
  /** PEM or base64 DER root certificates for this model's attestation. */
  attestationRootCertificates: string[];
  /** Status reports, newest last; default one FIDO_CERTIFIED_L1 report. */
  statusReports?: Array<{ status: string; effectiveDate?: string }>;
  attestationTypes?: string[];
}

/** A MetadataBLOBPayloadEntry with a minimal MetadataStatement (FIDO MDS v3.0 §3.1.1, Metadata Statement v3.0 §4). */
export function mdsEntry(input: MdsEntryInput): Record<string, unknown> {
  const today = new Date().toISOString().slice(0, 10);
  const roots = input.attestationRootCertificates.map((c) => (c.includes('BEGIN') ? Buffer.from(pemToDer(c)).toString('base64') : c));
  return {
    aaguid: input.aaguid,
    metadataStatement: {
      legalHeader: 'Test metadata',
      aaguid: input.aaguid,
      description: input.description,
      authenticatorVersion: 1,
      protocolFamily: 'fido2',
      schema: 3,
      upv: [{ major: 1, minor: 0 }],
      authenticationAlgorithms: ['secp256r1_ecdsa_sha256_raw'],
      publicKeyAlgAndEncodings: ['cose'],
      attestationTypes: input.attestationTypes ?? ['basic_full'],
      userVerificationDetails: [[{ userVerificationMethod: 'presence_internal' }]],
      keyProtection: ['software'],
      matcherProtection: ['software'],
      tcDisplay: [],
      attestationRootCertificates: roots,
    },
    statusReports: (input.statusReports ?? [{ status: 'FIDO_CERTIFIED_L1' }]).map((r) => ({ effectiveDate: today, ...r })),
    timeOfLastStatusChange: today,
  };
}

/**
 * Signs an MDS3-style BLOB: a JWS compact serialisation, ES256, with the signer's chain in the
 * `x5c` header (standard base64 DER, leaf first; FIDO MDS v3.0 §3.1.7). For tests: production
 * BLOBs come from the FIDO Alliance, signed under "GlobalSign Root CA - R3".
 */
export function signMdsBlob(input: { entries: Array<Record<string, unknown>>; signerKey: KeyObject; signerChainPem: string[]; no?: number; nextUpdate?: string }): string {
  const header = { alg: 'ES256', typ: 'JWT', x5c: input.signerChainPem.map((p) => Buffer.from(pemToDer(p)).toString('base64')) };
  const payload = {
    legalHeader: 'Retrieval and use of this BLOB indicates acceptance of the appropriate agreement located at https://fidoalliance.org/metadata/metadata-legal-terms/',
    no: input.no ?? 1,
    nextUpdate: input.nextUpdate ?? new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    entries: input.entries,
  };
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const signingInput = `${enc(header)}.${enc(payload)}`;
  const sig = sign('sha256', Buffer.from(signingInput), { key: input.signerKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${sig.toString('base64url')}`;
}
