import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { notFound } from '../../errors.ts';
import { findToken, listUserTokens } from './repository.ts';
import { toHardwareMethod, type HardwareOathMethod } from './shapes.ts';
import { userIdOf } from './devices.ts';

/** `GET /users/{id}/authentication/hardwareOathMethods`: the user's tokens with their device. */
export async function listHardwareMethods(db: Kysely<DB>, userKey: string): Promise<HardwareOathMethod[]> {
  const user = await userIdOf(db, userKey);
  return (await listUserTokens(db, user.id, 'hardware')).map((r) => toHardwareMethod(r, user.displayName));
}

/** One of them (the method id is the device id), or 404. */
export async function getHardwareMethod(db: Kysely<DB>, userKey: string, methodId: string): Promise<HardwareOathMethod> {
  const user = await userIdOf(db, userKey);
  const row = /^[0-9a-f-]{36}$/i.test(methodId) ? await findToken(db, methodId, 'hardware') : undefined;
  if (!row || row.userId !== user.id) throw notFound('hardwareOathAuthenticationMethod', methodId);
  return toHardwareMethod(row, user.displayName);
}
