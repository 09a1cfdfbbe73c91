import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { base32Encode } from './base32.ts';
import { deleteToken, findToken, insertTokens, listUserTokens } from './repository.ts';
import { sealSeed } from './seed.ts';
import { qrSvg } from './qr.ts';
import { toSoftwareMethod, type SoftwareOathMethod } from './shapes.ts';
import { assertRoomFor, userIdOf, type Deps } from './devices.ts';

export interface SoftwareEnrolment {
  method: SoftwareOathMethod;
  /** Base32 seed for "can't scan" — shown once, here, and never again. */
  secretKey: string;
  otpauthUri: string;
  qrCodeSvg: string;
}

/**
 * Starts an authenticator-app registration (issue 5 item 1): a fresh 160-bit seed (RFC 4226
 * R6 recommends 160 bits), TOTP SHA-1, 6 digits, 30 s — what every RFC 6238 app supports —
 * sealed at rest. The method stays `pending` until activated with a code (activateToken);
 * pending methods count towards the 5-method cap. Audited without the seed.
 */
export async function enrollSoftwareToken(
  deps: Deps,
  ctx: RequestContext,
  input: { userKey: string; issuer: string; displayName?: string | undefined },
): Promise<SoftwareEnrolment> {
  const user = await userIdOf(deps.db, input.userKey);
  const seed = randomBytes(20);
  const id = crypto.randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    await assertRoomFor(trx, user.id);
    await insertTokens(trx, [
      {
        id,
        kind: 'software',
        serialNumber: null,
        manufacturer: null,
        model: null,
        displayName: input.displayName ?? 'Authenticator app',
        secretSealed: sealSeed(deps.envelope, id, seed),
        hashFunction: 'hmacsha1',
        digits: 6,
        timeInterval: 30,
        status: 'assigned',
        userId: user.id,
      },
    ]);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'User registered security info',
      operationType: 'Add',
      targets: [
        { id: user.id, type: 'User' },
        { id, type: 'Other', displayName: 'softwareOath' },
      ],
      details: { method: 'SoftwareOath', state: 'pending' },
    });
  });
  const secretKey = base32Encode(seed);
  // Key URI format (Google Authenticator wiki): otpauth://totp/Issuer:account?secret=…&issuer=…
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(user.userPrincipalName)}`;
  const otpauthUri = `otpauth://totp/${label}?secret=${secretKey}&issuer=${encodeURIComponent(input.issuer)}&algorithm=SHA1&digits=6&period=30`;
  const row = await findToken(deps.db, id);
  return { method: toSoftwareMethod(row!), secretKey, otpauthUri, qrCodeSvg: qrSvg(otpauthUri) };
}

/** `GET /users/{id}/authentication/softwareOathMethods`. */
export async function listSoftwareMethods(db: Kysely<DB>, userKey: string): Promise<SoftwareOathMethod[]> {
  const user = await userIdOf(db, userKey);
  return (await listUserTokens(db, user.id, 'software')).map(toSoftwareMethod);
}

export async function getSoftwareMethod(db: Kysely<DB>, userKey: string, methodId: string): Promise<SoftwareOathMethod> {
  const user = await userIdOf(db, userKey);
  const row = /^[0-9a-f-]{36}$/i.test(methodId) ? await findToken(db, methodId, 'software') : undefined;
  if (!row || row.userId !== user.id) throw notFound('softwareOathAuthenticationMethod', methodId);
  return toSoftwareMethod(row);
}

/** `DELETE /users/{id}/authentication/softwareOathMethods/{id}` → 204; the seed is destroyed with the row. */
export async function deleteSoftwareMethod(db: Kysely<DB>, ctx: RequestContext, userKey: string, methodId: string): Promise<void> {
  await getSoftwareMethod(db, userKey, methodId);
  await db.transaction().execute(async (trx) => {
    const gone = await deleteToken(trx, methodId);
    if (!gone) throw notFound('softwareOathAuthenticationMethod', methodId);
    const self = ctx.principal.kind === 'user' && ctx.principal.id === gone.userId;
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: self ? 'User deleted security info' : 'Admin deleted security info',
      operationType: 'Delete',
      targets: [
        { id: gone.userId ?? '', type: 'User' },
        { id: methodId, type: 'Other' },
      ],
      details: { method: 'SoftwareOath' },
    });
  });
}
