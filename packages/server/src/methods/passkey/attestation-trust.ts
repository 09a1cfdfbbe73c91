import type { X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SettingsService } from '@simplewebauthn/server';
import type { DB } from '../../store/schema.ts';
import type { AttestationTrust } from './attestation-policy.ts';
import type { AttestationObject } from './response-checks.ts';
import type { MdsEntry } from './metadata/blob.ts';
import { parseCertificate, verifyChain } from './metadata/chain.ts';
import { findMetadataEntry, listTrustAnchors } from './metadata/repository.ts';

/**
 * How far to trust a registration's attestation, after @simplewebauthn/server has verified the
 * statement itself (signature, certificate requirements of WebAuthn L3 §8.2.1, AAGUID extension):
 *
 * - `none`: fmt "none" — no statement.
 * - `self`: a statement signed by the credential key itself (no x5c).
 * - `trusted`: x5c reaches a trust anchor for this AAGUID: the roots of its imported MDS entry,
 *   an administrator's `attestation` anchor, or the library's built-in roots for the format
 *   (Apple, Google). WebAuthn L3 §7.1 step 21.
 * - `untrusted`: x5c reaches none of them.
 *
 * The library's own chain check is left without roots (its SettingsService is process-global);
 * the per-AAGUID anchors are applied here, offline (`metadata/chain.ts`).
 */
export interface TrustEvaluation {
  trust: AttestationTrust;
  /** SHA-1 thumbprints (lowercase hex) of the x5c certificates, leaf first: Graph's `attestationCertificates`. */
  certificates: string[];
  metadata: MdsEntry | undefined;
  /** Why the chain failed, for the admin (never shown to the user verbatim). */
  problem?: string;
}

export async function evaluateAttestationTrust(db: Kysely<DB>, att: AttestationObject, aaguid: string): Promise<TrustEvaluation> {
  const metadata = await findMetadataEntry(db, aaguid);
  if (att.fmt === 'none') return { trust: 'none', certificates: [], metadata };
  const x5c = att.attStmt.get('x5c');
  if (!Array.isArray(x5c) || x5c.length === 0) return { trust: 'self', certificates: [], metadata };
  let chain: X509Certificate[];
  try {
    chain = x5c.map((c) => parseCertificate(c as Uint8Array));
  } catch {
    return { trust: 'untrusted', certificates: [], metadata, problem: 'unreadable x5c certificate' };
  }
  const certificates = chain.map((c) => c.fingerprint.replaceAll(':', '').toLowerCase());
  const anchorsPem = [
    ...(metadata?.attestationRootCertificates ?? []).map((b64) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`),
    ...(await listTrustAnchors(db, 'attestation')).map((a) => a.certificatePem),
    ...builtInRoots(att.fmt),
  ];
  const anchors: X509Certificate[] = [];
  for (const pem of anchorsPem) {
    try {
      anchors.push(parseCertificate(pem));
    } catch {
      /* an unreadable MDS root cannot anchor anything */
    }
  }
  const result = verifyChain(chain, anchors);
  return result.ok ? { trust: 'trusted', certificates, metadata } : { trust: 'untrusted', certificates, metadata, problem: result.problem };
}

function builtInRoots(fmt: string): string[] {
  if (fmt !== 'apple' && fmt !== 'android-key' && fmt !== 'android-safetynet') return [];
  return SettingsService.getRootCertificates({ identifier: fmt });
}

/** The newest MDS status of a model (FIDO MDS v3.0 §3.1.3 statusReports). */
export function latestStatus(entry: MdsEntry | undefined): string | undefined {
  if (!entry || entry.statusReports.length === 0) return undefined;
  return [...entry.statusReports].sort((a, b) => (a.effectiveDate ?? '').localeCompare(b.effectiveDate ?? '')).at(-1)!.status;
}
