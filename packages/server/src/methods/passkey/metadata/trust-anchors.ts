import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../../store/schema.ts';
import type { RequestContext } from '../../../auth/principal.ts';
import { recordAudit } from '../../../audit/record.ts';
import { badRequest, conflict, notFound } from '../../../errors.ts';
import { parseCertificate, subjectLine } from './chain.ts';
import { deleteTrustAnchor, insertTrustAnchor, listTrustAnchors, type TrustAnchor } from './repository.ts';

export type { TrustAnchor };

/**
 * Adds a custom trust anchor: a PEM certificate that attestation chains (`attestation`) or MDS
 * BLOB signers (`metadata`) may end at. It must parse, be valid now, and be a CA certificate
 * (an attestation root, not a leaf). The same certificate twice for one usage is a 409.
 */
export async function addTrustAnchor(db: Kysely<DB>, ctx: RequestContext, input: { displayName: string; certificatePem: string; usage: TrustAnchor['usage'] }): Promise<TrustAnchor> {
  let cert;
  try {
    cert = parseCertificate(input.certificatePem);
  } catch (cause) {
    throw Object.assign(badRequest('certificatePem is not a readable PEM X.509 certificate.', { reason: 'certificateMalformed' }), { cause });
  }
  const now = new Date();
  if (new Date(cert.validTo) < now || new Date(cert.validFrom) > now) throw badRequest('The certificate is not valid now (check notBefore/notAfter).', { reason: 'certificateNotValidNow' });
  if (!cert.ca) throw badRequest('A trust anchor must be a CA certificate (basic constraints CA=true).', { reason: 'certificateNotCa' });
  const pem = cert.toString();
  return db.transaction().execute(async (trx) => {
    const existing = (await listTrustAnchors(trx, input.usage)).find((a) => a.thumbprintSha256 === cert.fingerprint256);
    if (existing) throw conflict(`This certificate is already a ${input.usage} trust anchor (id ${existing.id}).`);
    const anchor = await insertTrustAnchor(trx, {
      id: randomUUID(),
      usage: input.usage,
      displayName: input.displayName,
      certificatePem: pem,
      subject: subjectLine(cert),
      thumbprintSha256: cert.fingerprint256,
      notAfter: new Date(cert.validTo),
    });
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Add passkey trust anchor',
      operationType: 'Add',
      targets: [{ id: anchor.id, displayName: anchor.displayName, type: 'Policy' }],
      details: { usage: anchor.usage, subject: anchor.subject, thumbprintSha256: anchor.thumbprintSha256 },
    });
    return anchor;
  });
}

export async function getTrustAnchors(db: Kysely<DB>, usage?: TrustAnchor['usage']): Promise<TrustAnchor[]> {
  return listTrustAnchors(db, usage);
}

/** Removes a trust anchor. Passkeys already registered keep their recorded trust result. */
export async function removeTrustAnchor(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const gone = /^[0-9a-f-]{36}$/i.test(id) ? await deleteTrustAnchor(trx, id) : undefined;
    if (!gone) throw notFound('passkeyTrustAnchor', id);
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Delete passkey trust anchor',
      operationType: 'Delete',
      targets: [{ id: gone.id, displayName: gone.displayName, type: 'Policy' }],
      details: { usage: gone.usage, subject: gone.subject, thumbprintSha256: gone.thumbprintSha256 },
    });
  });
}
