import type { RequestContext } from '../auth/principal.ts';
import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { assertNotLocked, recordFailure, recordSuccess } from './account-lockout.ts';
import { logRefusal } from './sign-in-log.ts';
import { redeemTemporaryAccessPass, type RedeemRefusal } from '../methods/tap/redeem.ts';
import { recordTapSignIn } from '../methods/tap/sessions.ts';

/**
 * The `amr` of a TAP sign-in (RFC 8176 §2): `otp` (a one-time-style code) and `mfa`, because
 * Entra treats a TAP as strong authentication — it "satisfies Conditional Access requirements
 * for multifactor authentication" (entra-spec §3.3) — and the TAP itself was issued after the
 * administrator verified the person. The `acr` is the built-in MFA strength (`amr.ts`).
 */
export const TAP_AMR = ['mfa', 'otp'];

/** Plain words per refusal; Entra's own sentence where it has one (entra-spec §3.3 "Failure messages"). */
const MESSAGES: Record<RedeemRefusal, string> = {
  wrongPass: 'That Temporary Access Pass is not correct. Check it and try again.',
  noPass: 'That Temporary Access Pass is not correct. Check it and try again.',
  Expired: 'This Temporary Access Pass has expired. Ask your administrator for a new one.',
  NotYetValid: 'This Temporary Access Pass is not valid yet. Try again after its start time.',
  OneTimeUsed: 'Temporary Access Pass sign in was blocked due to User Credential Policy (this one-time pass was already used).',
  alreadyUsed: 'Temporary Access Pass sign in was blocked due to User Credential Policy (this one-time pass was already used).',
  DisabledByPolicy: 'Temporary Access Pass sign in was blocked due to User Credential Policy.',
};

/**
 * The `tap` method of the flow (a strategy beside `passkey-step.ts`/`password-step.ts`):
 * redeems the pass for the identified user — a one-time pass is consumed atomically — and
 * completes the flow with the pass's id and end in the performed method. The TAP sign-in is
 * recorded (`tap_sign_ins`) so the session and its tokens end when the pass ends. A wrong pass
 * counts towards smart lockout like a wrong password.
 */
export async function tapVerify(deps: SignInDeps, ctx: RequestContext, flow: StoredFlow, pass: string): Promise<StoredFlow> {
  if (!flow.identified) throw new SignInError('wrongStep', 'Enter your username first.');
  await assertNotLocked(deps, flow.accountKey);
  const chosen = flow.state === 'verifyTap' ? flow : await applyEvents(deps, flow, [{ type: 'methodChosen', method: 'tap' }]);
  const now = nowOf(deps);
  const r = chosen.userId
    ? await redeemTemporaryAccessPass(deps.db, chosen.userId, pass.trim(), now)
    : ({ ok: false, reason: 'noPass' } as const);
  if (!r.ok) {
    if (r.reason === 'wrongPass' || r.reason === 'noPass') await recordFailure(deps, chosen.accountKey);
    const failed = await applyEvents(deps, chosen, [{ type: 'verificationFailed', method: 'tap', reason: r.reason }]).catch(() => chosen);
    await logRefusal(deps.db, ctx, failed, { method: 'tap', reason: r.reason });
    if (failed.state === 'failed') throw new SignInError('flowFailed', 'Too many failed attempts in this sign-in. Start again.');
    throw new SignInError('tapRefused', MESSAGES[r.reason], { details: { tapReason: r.reason } });
  }
  const done = await applyEvents(deps, chosen, [
    {
      type: 'verified',
      method: 'tap',
      userId: chosen.userId!,
      amr: TAP_AMR,
      tap: { id: r.tapId, endsAt: r.endsAt.toISOString(), isUsableOnce: r.isUsableOnce },
    },
  ]);
  const at = new Date(done.methodsPerformed.at(-1)!.at);
  // auth_time as finishLogin sets it (seconds of the last performed method).
  await recordTapSignIn(deps.db, {
    userId: done.userId!,
    authTime: Math.floor(at.getTime() / 1000),
    tapId: r.tapId,
    endsAt: r.endsAt,
    isUsableOnce: r.isUsableOnce,
    at,
  });
  await recordSuccess(deps, chosen.accountKey);
  return done;
}
