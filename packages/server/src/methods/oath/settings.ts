import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';

/**
 * Tenant OATH settings (one row in `oath_settings`, defaults from migration 0008):
 * - windowSteps (1): steps accepted either side of the expected one at sign-in (RFC 6238 §6);
 * - activationWindowSteps (10): wider, for activation only (a token's clock drifts in storage);
 * - resyncWindowSteps (100): search range for resync with two consecutive codes;
 * - tokenLockoutThreshold (10) / userLockoutThreshold (20): consecutive failures before
 *   back-off starts (see lockout.ts; NIST SP 800-63B caps at 100).
 */
export interface OathSettings {
  windowSteps: number;
  activationWindowSteps: number;
  resyncWindowSteps: number;
  tokenLockoutThreshold: number;
  userLockoutThreshold: number;
}

export const DEFAULT_OATH_SETTINGS: OathSettings = {
  windowSteps: 1,
  activationWindowSteps: 10,
  resyncWindowSteps: 100,
  tokenLockoutThreshold: 10,
  userLockoutThreshold: 20,
};

export async function readOathSettings(db: Kysely<DB>): Promise<OathSettings> {
  const r = await db.selectFrom('oath_settings').selectAll().where('id', '=', 'default').executeTakeFirst();
  if (!r) return DEFAULT_OATH_SETTINGS;
  return {
    windowSteps: Number(r.window_steps),
    activationWindowSteps: Number(r.activation_window_steps),
    resyncWindowSteps: Number(r.resync_window_steps),
    tokenLockoutThreshold: Number(r.token_lockout_threshold),
    userLockoutThreshold: Number(r.user_lockout_threshold),
  };
}

/** Updates some settings (the database's check constraints bound every value). */
export async function writeOathSettings(db: Kysely<DB>, patch: Partial<OathSettings>): Promise<void> {
  await db
    .updateTable('oath_settings')
    .set({
      updated_at: new Date(),
      ...(patch.windowSteps !== undefined ? { window_steps: patch.windowSteps } : {}),
      ...(patch.activationWindowSteps !== undefined ? { activation_window_steps: patch.activationWindowSteps } : {}),
      ...(patch.resyncWindowSteps !== undefined ? { resync_window_steps: patch.resyncWindowSteps } : {}),
      ...(patch.tokenLockoutThreshold !== undefined ? { token_lockout_threshold: patch.tokenLockoutThreshold } : {}),
      ...(patch.userLockoutThreshold !== undefined ? { user_lockout_threshold: patch.userLockoutThreshold } : {}),
    })
    .where('id', '=', 'default')
    .execute();
}

/** Changes settings and writes the audit entry in one transaction. */
export async function updateOathSettings(db: Kysely<DB>, ctx: RequestContext, patch: Partial<OathSettings>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await readOathSettings(trx);
    await writeOathSettings(trx, patch);
    const changed = Object.entries(patch).map(([k, v]) => ({
      displayName: k,
      oldValue: JSON.stringify(before[k as keyof OathSettings]),
      newValue: JSON.stringify(v),
    }));
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Update OATH settings',
      operationType: 'Update',
      targets: [{ id: 'oathSettings', type: 'Policy', modifiedProperties: changed }],
    });
  });
}
