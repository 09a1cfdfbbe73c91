import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { badRequest, notFound } from '../../errors.ts';
import { findUserRowByKey } from '../../directory/users-repository.ts';
import { deleteUserCredential, findUserCredential, listUserCredentials, renameUserCredential, type PasskeyCredential } from './credentials-repository.ts';
import { metadataDescriptions } from './metadata/repository.ts';

/**
 * Graph `fido2AuthenticationMethod` (G fido2authenticationmethod.md): what an administrator or
 * the user sees of a passkey. Never key material. `passkeyType` is Graph's newer property
 * (`deviceBound` | `synced`); `attestationLevel` is `attested` only when the attestation chained
 * to a trust anchor.
 */
export interface Fido2AuthenticationMethod {
  '@odata.type': '#microsoft.graph.fido2AuthenticationMethod';
  id: string;
  displayName: string;
  createdDateTime: string;
  aaGuid: string;
  model: string | null;
  attestationCertificates: string[];
  attestationLevel: 'attested' | 'notAttested';
  passkeyType: 'deviceBound' | 'synced';
  lastUsedDateTime: string | null;
}

export function toFido2Method(c: PasskeyCredential, model: string | null): Fido2AuthenticationMethod {
  return {
    '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
    id: c.id,
    displayName: c.displayName,
    createdDateTime: c.createdAt.toISOString(),
    aaGuid: c.aaguid,
    model,
    attestationCertificates: c.attestationCertificates,
    attestationLevel: c.attestationTrust === 'trusted' ? 'attested' : 'notAttested',
    passkeyType: c.backupEligible ? 'synced' : 'deviceBound',
    lastUsedDateTime: c.lastUsedAt?.toISOString() ?? null,
  };
}

/** The user (by id or userPrincipalName, as Graph accepts) or 404. */
async function userIdOf(db: Kysely<DB>, key: string): Promise<string> {
  const row = await findUserRowByKey(db, key);
  if (!row) throw notFound('user', key);
  return row.id;
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** `GET /users/{id}/authentication/fido2Methods`. */
export async function listFido2Methods(db: Kysely<DB>, userKey: string): Promise<Fido2AuthenticationMethod[]> {
  const creds = await listUserCredentials(db, await userIdOf(db, userKey));
  const models = await metadataDescriptions(db, creds.map((c) => c.aaguid));
  return creds.map((c) => toFido2Method(c, models.get(c.aaguid) ?? null));
}

/** `GET /users/{id}/authentication/fido2Methods/{methodId}`. */
export async function getFido2Method(db: Kysely<DB>, userKey: string, methodId: string): Promise<Fido2AuthenticationMethod> {
  const userId = await userIdOf(db, userKey);
  const c = isUuid(methodId) ? await findUserCredential(db, userId, methodId) : undefined;
  if (!c) throw notFound('fido2AuthenticationMethod', methodId);
  const models = await metadataDescriptions(db, [c.aaguid]);
  return toFido2Method(c, models.get(c.aaguid) ?? null);
}

/**
 * `DELETE /users/{id}/authentication/fido2Methods/{methodId}`: removes the passkey and writes
 * the audit entry in one transaction. The sign-in flow refuses the credential from then on.
 */
export async function deleteFido2Method(db: Kysely<DB>, ctx: RequestContext, userKey: string, methodId: string): Promise<void> {
  const userId = await userIdOf(db, userKey);
  await db.transaction().execute(async (trx) => {
    const gone = isUuid(methodId) ? await deleteUserCredential(trx, userId, methodId) : undefined;
    if (!gone) throw notFound('fido2AuthenticationMethod', methodId);
    const self = ctx.principal.kind === 'user' && ctx.principal.id === userId;
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: self ? 'User deleted security info' : 'Admin deleted security info',
      operationType: 'Delete',
      targets: [{ id: userId, type: 'User' }, { id: gone.id, displayName: gone.displayName, type: 'Other' }],
      details: { method: 'Fido2', aaguid: gone.aaguid },
    });
  });
}

/**
 * Renames a passkey (My Security Info; Graph has no PATCH for fido2Methods, so this is a Latchkey
 * extension). 1–200 printable characters; audited with the old and new names.
 */
export async function renameFido2Method(db: Kysely<DB>, ctx: RequestContext, userKey: string, methodId: string, displayName: string): Promise<Fido2AuthenticationMethod> {
  const name = displayName.trim();
  if (name.length === 0 || name.length > 200 || [...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw badRequest('displayName must be 1–200 printable characters.');
  const userId = await userIdOf(db, userKey);
  await db.transaction().execute(async (trx) => {
    const before = isUuid(methodId) ? await renameUserCredential(trx, userId, methodId, name) : undefined;
    if (!before) throw notFound('fido2AuthenticationMethod', methodId);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Update security info',
      operationType: 'Update',
      targets: [{ id: userId, type: 'User' }, { id: before.id, displayName: name, type: 'Other', modifiedProperties: [{ displayName: 'displayName', oldValue: JSON.stringify(before.displayName), newValue: JSON.stringify(name) }] }],
      details: { method: 'Fido2' },
    });
  });
  return getFido2Method(db, userKey, methodId);
}
