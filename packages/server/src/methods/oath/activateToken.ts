import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { findToken, updateToken, userLockout } from './repository.ts';
import { readOathSettings } from './settings.ts';
import { openSeed, paramsOf } from './seed.ts';
import { activate } from './activate.ts';
import { isLocked } from './lockout.ts';
import { persistAcceptance, recordFailure, tokenLocked } from './tokenCheck.ts';
import { CODE_MESSAGES, oathError } from './errors.ts';
import { userIdOf, type Deps } from './devices.ts';
import { enforceIfEnabled } from './perUserMfa.ts';

export interface ActivateTokenInput {
  tokenId: string;
  /** When given (user routes, self-service), the token must belong to this user (id or UPN). */
  userKey?: string | undefined;
  kind: 'hardware' | 'software';
  verificationCode: string;
  displayName?: string | undefined;
  now?: Date | undefined;
}

/**
 * Activation by the code the token shows now (entra-spec §6.3: `POST …/activate
 * {"verificationCode"}` → 204), by an administrator or the user. Uses the tenant's activation
 * window; success stores the step (replay guard) and moves the token to `activated`; a wrong
 * code moves a hardware token to `failedActivation` and counts towards lockout. Audited both ways.
 */
export async function activateToken(deps: Deps, ctx: RequestContext, input: ActivateTokenInput): Promise<void> {
  const now = input.now ?? new Date();
  const nowMs = now.getTime();
  const what = input.kind === 'hardware' ? 'hardwareOathAuthenticationMethod' : 'softwareOathAuthenticationMethod';
  const user = input.userKey ? await userIdOf(deps.db, input.userKey) : undefined;
  const row = /^[0-9a-f-]{36}$/i.test(input.tokenId) ? await findToken(deps.db, input.tokenId, input.kind) : undefined;
  if (!row || (user && row.userId !== user.id)) throw notFound(what, input.tokenId);
  if (tokenLocked(row, nowMs) || (row.userId && isLocked((await userLockout(deps.db, row.userId))?.lockedUntil, nowMs))) {
    throw oathError('OathCodeFailedMaxAllowedRetryReached', CODE_MESSAGES.OathCodeFailedMaxAllowedRetryReached!);
  }
  const settings = await readOathSettings(deps.db);
  const code = input.verificationCode.replace(/\s+/g, '');
  const r = activate({
    key: openSeed(deps.envelope, row),
    params: paramsOf(row),
    status: row.status,
    assigned: !!row.userId,
    code,
    nowMs,
    lastStep: row.lastStep,
    drift: row.drift,
    window: settings.activationWindowSteps,
  });
  const audit = (result: 'success' | 'failure', reason?: string) => ({
    category: 'UserManagement',
    activity: `Activate ${input.kind} OATH token`,
    operationType: 'Update' as const,
    result,
    ...(reason ? { resultReason: reason } : {}),
    targets: [
      { id: row.id, displayName: row.serialNumber ?? row.displayName, type: 'Device' as const },
      ...(row.userId ? [{ id: row.userId, type: 'User' as const }] : []),
    ],
  });
  if (!r.ok) {
    if (r.reason === 'OathTokenNotAssigned') throw oathError(r.reason, 'Assign the token to a user before activating it.');
    if (r.reason === 'OathTokenAlreadyActivated') throw oathError(r.reason, 'The token is already activated.');
    const status = input.kind === 'hardware' ? 'failedActivation' : undefined;
    await deps.db.transaction().execute(async (trx) => {
      if (r.reason === 'OathCodeIncorrect')
        await recordFailure(trx, settings, { tokenIds: [row.id], userId: row.userId, nowMs, ...(status ? { status } : {}) });
      else if (status) await updateToken(trx, row.id, { status });
      await recordAudit(trx, ctx, audit('failure', r.reason));
    });
    throw oathError(r.reason, CODE_MESSAGES[r.reason] ?? 'The verification code is incorrect.');
  }
  const replay = await deps.db.transaction().execute(async (trx) => {
    const saved = await persistAcceptance(trx, row, { step: r.step, drift: r.drift, status: 'activated', now });
    if (!saved.ok) return saved.reason;
    if (input.displayName !== undefined) await updateToken(trx, row.id, { displayName: input.displayName });
    await recordAudit(trx, ctx, audit('success'));
    if (row.userId) await enforceIfEnabled(trx, ctx, row.userId);
    return undefined;
  });
  if (replay) throw oathError(replay, CODE_MESSAGES[replay]!);
}
