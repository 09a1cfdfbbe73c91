import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { findToken, resetUserFailures } from './repository.ts';
import { readOathSettings } from './settings.ts';
import { openSeed, paramsOf } from './seed.ts';
import { resync } from './resync.ts';
import { persistAcceptance } from './tokenCheck.ts';
import { CODE_MESSAGES, oathError } from './errors.ts';
import { userIdOf, type Deps } from './devices.ts';

/**
 * Resynchronises a drifted token with two consecutive codes (admin or the user), searching the
 * tenant's resync window (default ±100 steps). Success records the new drift and high-water
 * mark and clears the token's and the user's lockout (also a hard lock). Audited.
 */
export async function resyncToken(
  deps: Deps,
  ctx: RequestContext,
  input: { tokenId: string; userKey?: string | undefined; code1: string; code2: string; now?: Date | undefined },
): Promise<{ drift: number }> {
  const now = input.now ?? new Date();
  const user = input.userKey ? await userIdOf(deps.db, input.userKey) : undefined;
  const row = /^[0-9a-f-]{36}$/i.test(input.tokenId) ? await findToken(deps.db, input.tokenId) : undefined;
  if (!row || (user && row.userId !== user.id)) throw notFound('oathToken', input.tokenId);
  const settings = await readOathSettings(deps.db);
  const r = resync({
    key: openSeed(deps.envelope, row),
    params: paramsOf(row),
    code1: input.code1.trim(),
    code2: input.code2.trim(),
    nowMs: now.getTime(),
    lastStep: row.lastStep,
    drift: row.drift,
    window: settings.resyncWindowSteps,
  });
  if (!r.ok) throw oathError(r.reason, CODE_MESSAGES[r.reason]!);
  const replay = await deps.db.transaction().execute(async (trx) => {
    const saved = await persistAcceptance(trx, row, { step: r.step, drift: r.drift, now });
    if (!saved.ok) return saved.reason;
    if (row.userId) await resetUserFailures(trx, row.userId);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Resync OATH token',
      operationType: 'Update',
      targets: [{ id: row.id, displayName: row.serialNumber ?? row.displayName, type: 'Device' }],
      details: { drift: String(r.drift) },
    });
    return undefined;
  });
  if (replay) throw oathError(replay, CODE_MESSAGES[replay]!);
  return { drift: r.drift };
}
