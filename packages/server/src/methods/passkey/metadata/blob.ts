import { compactVerify, decodeProtectedHeader } from 'jose';
import { badRequest } from '../../../errors.ts';
import { parseCertificate, subjectLine, verifyChain } from './chain.ts';

/** The fields Latchkey keeps from a MetadataBLOBPayloadEntry (FIDO MDS v3.0 §3.1.1). */
export interface MdsEntry {
  aaguid: string;
  description: string;
  /** Base64 DER roots from the entry's metadata statement. */
  attestationRootCertificates: string[];
  attestationTypes: string[];
  statusReports: Array<{ status: string; effectiveDate?: string }>;
}

export interface VerifiedBlob {
  no: number;
  nextUpdate: string | null;
  /** The BLOB's `legalHeader` (the FIDO terms of use it was downloaded under), shown to the administrator. */
  legalHeader: string | null;
  signerSubject: string;
  entries: MdsEntry[];
}

/** Largest BLOB accepted (the FIDO production BLOB is a few MB). */
export const MAX_BLOB_BYTES = 32 * 1024 * 1024;
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fail = (reason: string, message: string) => badRequest(message, { reason });

/**
 * Verifies a FIDO MDS3 BLOB (FIDO MDS v3.0 §3.1.7–3.2): a JWS whose `x5c` header chain must
 * reach one of `rootsPem` (production: "GlobalSign Root CA - R3"), signed by the chain's leaf;
 * then extracts the FIDO2 entries (those with an AAGUID). Throws 400 with `details.reason`
 * `metadataMalformed`, `metadataSignerUntrusted` or `metadataSignatureInvalid`.
 */
export async function verifyMdsBlob(jwt: string, rootsPem: readonly string[]): Promise<VerifiedBlob> {
  const text = jwt.trim();
  if (text.length > MAX_BLOB_BYTES) throw fail('metadataMalformed', 'The metadata BLOB is too large.');
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(text)) throw fail('metadataMalformed', 'The metadata BLOB is not a JWS compact serialisation (header.payload.signature).');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(text);
  } catch (cause) {
    throw Object.assign(fail('metadataMalformed', 'The metadata BLOB header is not valid JSON.'), { cause });
  }
  if (!header.alg || !ALGORITHMS.includes(header.alg)) throw fail('metadataMalformed', `The metadata BLOB uses an unsupported algorithm '${String(header.alg)}'.`);
  const x5c = Array.isArray(header.x5c) ? header.x5c : [];
  if (x5c.length === 0) throw fail('metadataMalformed', 'The metadata BLOB header has no x5c certificate chain.');
  let chain;
  try {
    chain = x5c.map((c) => parseCertificate(new Uint8Array(Buffer.from(String(c), 'base64'))));
  } catch (cause) {
    throw Object.assign(fail('metadataMalformed', 'The metadata BLOB x5c holds an unreadable certificate.'), { cause });
  }
  const roots = rootsPem.map((p) => parseCertificate(p));
  const path = verifyChain(chain, roots);
  if (!path.ok) throw fail('metadataSignerUntrusted', `The metadata BLOB signer is not trusted: ${path.problem}.`);
  let payloadBytes: Uint8Array;
  try {
    payloadBytes = (await compactVerify(text, chain[0]!.publicKey, { algorithms: ALGORITHMS })).payload;
  } catch (cause) {
    throw Object.assign(fail('metadataSignatureInvalid', 'The metadata BLOB signature does not verify.'), { cause });
  }
  return { ...parsePayload(payloadBytes), signerSubject: subjectLine(chain[0]!) };
}

function parsePayload(bytes: Uint8Array): Omit<VerifiedBlob, 'signerSubject'> {
  let payload: { no?: unknown; nextUpdate?: unknown; legalHeader?: unknown; entries?: unknown };
  try {
    payload = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw fail('metadataMalformed', 'The metadata BLOB payload is not JSON.');
  }
  if (!Number.isSafeInteger(payload.no) || !Array.isArray(payload.entries)) throw fail('metadataMalformed', 'The metadata BLOB payload lacks "no" or "entries".');
  const entries: MdsEntry[] = [];
  for (const raw of payload.entries as Array<Record<string, any>>) {
    const aaguid = raw?.aaguid;
    if (typeof aaguid !== 'string' || !UUID.test(aaguid)) continue; // U2F/UAF entries have no AAGUID
    const st = raw.metadataStatement ?? {};
    entries.push({
      aaguid: aaguid.toLowerCase(),
      description: typeof st.description === 'string' ? st.description.slice(0, 200) : aaguid,
      attestationRootCertificates: Array.isArray(st.attestationRootCertificates) ? st.attestationRootCertificates.filter((c: unknown) => typeof c === 'string') : [],
      attestationTypes: Array.isArray(st.attestationTypes) ? st.attestationTypes.filter((c: unknown) => typeof c === 'string') : [],
      statusReports: Array.isArray(raw.statusReports) ? raw.statusReports.filter((r: any) => typeof r?.status === 'string').map((r: any) => ({ status: r.status, ...(typeof r.effectiveDate === 'string' ? { effectiveDate: r.effectiveDate } : {}) })) : [],
    });
  }
  const legalHeader = typeof payload.legalHeader === 'string' ? payload.legalHeader.slice(0, 1000) : null;
  return { no: payload.no as number, nextUpdate: typeof payload.nextUpdate === 'string' ? payload.nextUpdate : null, legalHeader, entries };
}
