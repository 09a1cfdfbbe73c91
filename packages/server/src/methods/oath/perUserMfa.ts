import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { userIdOf } from './devices.ts';
import { readPerUserMfaState, writePerUserMfaState } from './repository.ts';

/** Legacy per-user MFA state (entra-spec §7.1). */
export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';

/**
 * The user's per-user MFA state, for the sign-in flow: `enforced` (and `enabled`) mean MFA on
 * every sign-in regardless of conditional access. No row = `disabled`.
 */
export async function perUserMfaState(db: Kysely<DB>, userId: string): Promise<PerUserMfaState> {
  return readPerUserMfaState(db, userId);
}

/** `GET /users/{id}/authentication/requirements`. */
export async function getRequirements(db: Kysely<DB>, userKey: string): Promise<{ perUserMfaState: PerUserMfaState }> {
  const user = await userIdOf(db, userKey);
  return { perUserMfaState: await perUserMfaState(db, user.id) };
}

/** `PATCH /users/{id}/authentication/requirements {"perUserMfaState"}` → 204. Admins may move users in any direction. Audited. */
export async function setPerUserMfaState(db: Kysely<DB>, ctx: RequestContext, userKey: string, state: PerUserMfaState): Promise<void> {
  const user = await userIdOf(db, userKey);
  await db.transaction().execute((trx) => changeState(trx, ctx, user, state));
}

/**
 * entra-spec §7.1: "Enabled users auto-move to Enforced on registering" an MFA method. Called
 * inside the caller's transaction when an OATH method is activated; audited when it moves.
 */
export async function enforceIfEnabled(trx: Kysely<DB>, ctx: RequestContext, userId: string): Promise<void> {
  if ((await readPerUserMfaState(trx, userId)) === 'enabled') await changeState(trx, ctx, { id: userId, displayName: null }, 'enforced');
}

async function changeState(
  trx: Kysely<DB>,
  ctx: RequestContext,
  user: { id: string; displayName: string | null },
  state: PerUserMfaState,
): Promise<void> {
  const before = await readPerUserMfaState(trx, user.id);
  if (before === state) return;
  await writePerUserMfaState(trx, user.id, state);
  await recordAudit(trx, ctx, {
    category: 'UserManagement',
    activity: 'Update per-user MFA state',
    operationType: 'Update',
    targets: [
      {
        id: user.id,
        displayName: user.displayName,
        type: 'User',
        modifiedProperties: [{ displayName: 'perUserMfaState', oldValue: JSON.stringify(before), newValue: JSON.stringify(state) }],
      },
    ],
  });
}
