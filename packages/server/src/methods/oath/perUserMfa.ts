import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { userIdOf } from './devices.ts';

/** Legacy per-user MFA state (entra-spec §7.1). */
export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';

/**
 * The user's per-user MFA state, for the sign-in flow: `enforced` (and `enabled`) mean MFA on
 * every sign-in regardless of conditional access. No row = `disabled`.
 */
export async function perUserMfaState(db: Kysely<DB>, userId: string): Promise<PerUserMfaState> {
  const r = await db.selectFrom('user_mfa_requirements').select('per_user_mfa_state').where('user_id', '=', userId).executeTakeFirst();
  return r?.per_user_mfa_state ?? 'disabled';
}

/** `GET /users/{id}/authentication/requirements`. */
export async function getRequirements(db: Kysely<DB>, userKey: string): Promise<{ perUserMfaState: PerUserMfaState }> {
  const user = await userIdOf(db, userKey);
  return { perUserMfaState: await perUserMfaState(db, user.id) };
}

/** `PATCH /users/{id}/authentication/requirements {"perUserMfaState"}` → 204. Admins may move users in any direction. Audited. */
export async function setPerUserMfaState(db: Kysely<DB>, ctx: RequestContext, userKey: string, state: PerUserMfaState): Promise<void> {
  const user = await userIdOf(db, userKey);
  await db.transaction().execute(async (trx) => {
    const before = await perUserMfaState(trx, user.id);
    if (before === state) return;
    await trx
      .insertInto('user_mfa_requirements')
      .values({ user_id: user.id, per_user_mfa_state: state })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ per_user_mfa_state: state, updated_at: new Date() }))
      .execute();
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
  });
}
