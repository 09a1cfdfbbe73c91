import { X509Certificate } from 'node:crypto';

/**
 * Certificate path validation for attestation chains and MDS BLOB signers, offline: each
 * certificate is inside its validity period, each is signed by the next, issuers are CAs, and
 * the last one is an anchor or is signed by one (RFC 5280 §6.1, the subset WebAuthn L3 §7.1
 * step 21 and FIDO MDS v3.0 §3.1.7 need). No CRL/OCSP fetches: revocation of authenticator
 * models comes from the MDS status reports, which an administrator imports (no network at runtime).
 */
export type ChainResult = { ok: true; anchor: X509Certificate } | { ok: false; problem: string };

const MAX_CHAIN = 6;

export function parseCertificate(derOrPem: Uint8Array | string): X509Certificate {
  return new X509Certificate(typeof derOrPem === 'string' ? derOrPem : Buffer.from(derOrPem));
}

const within = (c: X509Certificate, now: Date): boolean => new Date(c.validFrom) <= now && now <= new Date(c.validTo);
const issuedBy = (child: X509Certificate, issuer: X509Certificate): boolean => child.checkIssued(issuer) && child.verify(issuer.publicKey);

/** Validates `chain` (leaf first, root optional) against `anchors`. */
export function verifyChain(chain: readonly X509Certificate[], anchors: readonly X509Certificate[], now = new Date()): ChainResult {
  if (chain.length === 0) return { ok: false, problem: 'empty certificate chain' };
  if (chain.length > MAX_CHAIN) return { ok: false, problem: `certificate chain longer than ${MAX_CHAIN}` };
  const usable = anchors.filter((a) => within(a, now));
  if (usable.length === 0) return { ok: false, problem: 'no trust anchor is configured or valid now' };
  for (const [i, cert] of chain.entries()) {
    if (!within(cert, now)) return { ok: false, problem: `certificate ${i} (${cert.subject.replaceAll('\n', ', ')}) is outside its validity period` };
    const next = chain[i + 1];
    if (next && !(next.ca && issuedBy(cert, next))) return { ok: false, problem: `certificate ${i} is not issued by certificate ${i + 1}` };
  }
  const last = chain[chain.length - 1]!;
  for (const anchor of usable) {
    if (anchor.fingerprint256 === last.fingerprint256) return { ok: true, anchor };
    if (anchor.ca && issuedBy(last, anchor)) return { ok: true, anchor };
  }
  return { ok: false, problem: 'the chain does not reach any trust anchor' };
}

/** "CN=…, O=…" from Node's multi-line subject. */
export const subjectLine = (c: X509Certificate): string => c.subject.split('\n').reverse().join(', ');
