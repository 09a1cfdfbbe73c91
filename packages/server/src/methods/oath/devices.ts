import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { Envelope } from '../../secrets/envelope.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { findUserRowByKey } from '../../directory/users-repository.ts';
import {
  countUserTokens,
  deleteToken,
  findToken,
  insertTokens,
  listHardwareTokens,
  updateToken,
  userNames,
  existingSerials,
  type OathTokenRow,
} from './repository.ts';
import { toDevice, type HardwareOathDevice } from './shapes.ts';
import { sealSeed } from './seed.ts';
import { oathError } from './errors.ts';
import { validateTokenFields, type TokenFields } from './import/validate.ts';

/** entra-spec §6.1: up to 5 OATH hardware tokens or authenticator apps per user, in combination. */
export const MAX_OATH_METHODS_PER_USER = 5;

export interface Deps {
  db: Kysely<DB>;
  envelope: Envelope;
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export async function deviceOrThrow(db: Kysely<DB>, id: string): Promise<OathTokenRow> {
  const row = isUuid(id) ? await findToken(db, id, 'hardware') : undefined;
  if (!row) throw notFound('hardwareOathDevice', id);
  return row;
}

/** The user by id or userPrincipalName (as Graph addresses users), or 404. */
export async function userIdOf(db: Kysely<DB>, key: string): Promise<{ id: string; displayName: string; userPrincipalName: string }> {
  const row = await findUserRowByKey(db, key);
  if (!row) throw notFound('user', key);
  return { id: row.id, displayName: row.display_name, userPrincipalName: row.user_principal_name };
}

/** Throws OathTooManyMethods when the user already holds 5 OATH tokens (entra-spec §6.1). */
export async function assertRoomFor(db: Kysely<DB>, userId: string): Promise<void> {
  const n = (await countUserTokens(db, [userId])).get(userId) ?? 0;
  if (n >= MAX_OATH_METHODS_PER_USER)
    throw oathError(
      'OathTooManyMethods',
      `A user can hold at most ${MAX_OATH_METHODS_PER_USER} OATH hardware tokens or authenticator apps.`,
    );
}

/** A page of the inventory with names of the assigned users. */
export async function listDevices(
  db: Kysely<DB>,
  o: { top: number; afterSerial?: string | undefined },
): Promise<{ value: HardwareOathDevice[]; last?: OathTokenRow }> {
  const rows = await listHardwareTokens(db, { limit: o.top, ...(o.afterSerial !== undefined ? { afterSerial: o.afterSerial } : {}) });
  const names = await userNames(
    db,
    rows.flatMap((r) => (r.userId ? [r.userId] : [])),
  );
  return {
    value: rows.map((r) => toDevice(r, r.userId ? (names.get(r.userId) ?? null) : null)),
    ...(rows.length === o.top ? { last: rows.at(-1)! } : {}),
  };
}

export async function getDevice(db: Kysely<DB>, id: string): Promise<HardwareOathDevice> {
  const row = await deviceOrThrow(db, id);
  const names = await userNames(db, row.userId ? [row.userId] : []);
  return toDevice(row, row.userId ? (names.get(row.userId) ?? null) : null);
}

/**
 * `POST /directory/authenticationMethodDevices/hardwareOathDevices` (entra-spec §6.3): adds one
 * token, optionally assigned (`assignTo`). The seed is validated, sealed and never returned.
 */
export async function createDevice(
  deps: Deps,
  ctx: RequestContext,
  input: TokenFields & { assignTo?: string | undefined; displayName?: string | null | undefined },
): Promise<HardwareOathDevice> {
  const checked = validateTokenFields(input);
  if (!checked.ok) throw oathError(checked.reason === 'OathInvalidSecret' ? 'OathInvalidSecret' : 'OathImportInvalid', checked.message);
  const t = checked.value;
  const id = crypto.randomUUID();
  const user = input.assignTo ? await userIdOf(deps.db, input.assignTo) : undefined;
  await deps.db.transaction().execute(async (trx) => {
    if ((await existingSerials(trx, [t.serialNumber])).size)
      throw oathError('OathDuplicateSerial', `A token with serial number ${t.serialNumber} already exists.`);
    if (user) await assertRoomFor(trx, user.id);
    await insertTokens(trx, [
      {
        id,
        kind: 'hardware',
        serialNumber: t.serialNumber,
        manufacturer: t.manufacturer,
        model: t.model,
        displayName: input.displayName ?? null,
        secretSealed: sealSeed(deps.envelope, id, t.secret),
        hashFunction: t.hashFunction,
        digits: t.digits,
        timeInterval: t.timeInterval,
        status: user ? 'assigned' : 'available',
        userId: user?.id ?? null,
      },
    ]);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Add hardware OATH token',
      operationType: 'Add',
      targets: [{ id, displayName: t.serialNumber, type: 'Device' }, ...(user ? [{ id: user.id, type: 'User' as const }] : [])],
      details: { serialNumber: t.serialNumber },
    });
  });
  return getDevice(deps.db, id);
}

/** `DELETE …/hardwareOathDevices/{id}`: removes the token (and so the user's method). */
export async function deleteDevice(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await deviceOrThrow(db, id);
  await db.transaction().execute(async (trx) => {
    const gone = await deleteToken(trx, id);
    if (!gone) throw notFound('hardwareOathDevice', id);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Delete hardware OATH token',
      operationType: 'Delete',
      targets: [{ id, displayName: gone.serialNumber, type: 'Device' }],
      details: { serialNumber: gone.serialNumber ?? '' },
    });
  });
}

/**
 * Assigns an available token to a user (`POST /users/{id}/authentication/hardwareOathMethods
 * {"device":{"id"}}`): status → assigned. One user per token; at most 5 OATH methods per user.
 */
export async function assignDevice(db: Kysely<DB>, ctx: RequestContext, deviceId: string, userKey: string): Promise<HardwareOathDevice> {
  const user = await userIdOf(db, userKey);
  await db.transaction().execute(async (trx) => {
    const row = await deviceOrThrow(trx, deviceId);
    if (row.userId === user.id) return;
    if (row.userId) throw oathError('OathTokenAlreadyAssigned', 'The token is assigned to another user; unassign it first.');
    await assertRoomFor(trx, user.id);
    await updateToken(trx, deviceId, { userId: user.id, status: 'assigned', failedAttempts: 0, lockedUntil: null });
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Assign hardware OATH token',
      operationType: 'Assign',
      targets: [
        { id: user.id, type: 'User' },
        { id: deviceId, displayName: row.serialNumber, type: 'Device' },
      ],
      details: { serialNumber: row.serialNumber ?? '' },
    });
  });
  return getDevice(db, deviceId);
}

/** Unassigns a token (`DELETE /users/{id}/authentication/hardwareOathMethods/{id}`): back to available. The replay high-water mark stays. */
export async function unassignDevice(db: Kysely<DB>, ctx: RequestContext, deviceId: string, userKey?: string): Promise<void> {
  const user = userKey ? await userIdOf(db, userKey) : undefined;
  await db.transaction().execute(async (trx) => {
    const row = await deviceOrThrow(trx, deviceId);
    if (!row.userId || (user && row.userId !== user.id)) throw notFound('hardwareOathAuthenticationMethod', deviceId);
    await updateToken(trx, deviceId, { userId: null, status: 'available', displayName: null, failedAttempts: 0, lockedUntil: null });
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Unassign hardware OATH token',
      operationType: 'Unassign',
      targets: [
        { id: row.userId, type: 'User' },
        { id: deviceId, displayName: row.serialNumber, type: 'Device' },
      ],
      details: { serialNumber: row.serialNumber ?? '' },
    });
  });
}
