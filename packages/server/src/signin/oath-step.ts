import type { RequestContext } from '../auth/principal.ts';
import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { assertNotLocked, recordFailure, recordSuccess } from './account-lockout.ts';
import { logRefusal } from './sign-in-log.ts';
import { verifyOathCode } from '../methods/oath/verifyOathCode.ts';

/** RFC 8176 §2: `otp` — a one-time password (hardware token or authenticator app). */
export const OATH_AMR = ['otp'];

/** Plain words per refusal (the reason itself is Entra's `OathCode…` name, in `details.oathReason`). */
const MESSAGES: Record<string, string> = {
  OathCodeIncorrect: 'That code is not correct. Enter the code your token or app shows now.',
  OathCodeDuplicate: 'That code was already used. Wait for the next code and enter it.',
  OathCodeOld: 'That code is older than one already used. Enter the code your token or app shows now.',
  OathCodeFailedMaxAllowedRetryReached: 'Too many wrong codes. Your token is locked for a while; try again later or use another method.',
  OathNoMethod: 'That code is not correct. Enter the code your token or app shows now.',
};

/**
 * The `oath` method of the flow (beside `password-step.ts`, `tap-step.ts`): a six- or eight-digit
 * code from one of the user's activated OATH tokens, offered as a second factor (`ca-step.ts`).
 * The OATH core checks the token's and the user's lockout, the window and replay; a wrong code
 * also counts towards the sign-in's smart lockout, like a wrong password. The performed method
 * records the strength mode it proved (`hardwareOath`/`softwareOath`, entra-spec §2.2).
 */
export async function oathVerify(deps: SignInDeps, ctx: RequestContext, flow: StoredFlow, code: string): Promise<StoredFlow> {
  if (!flow.identified || !flow.userId) throw new SignInError('wrongStep', 'Enter your username first.');
  if (!deps.envelope) throw new SignInError('wrongStep', 'Verification codes are not available here.');
  await assertNotLocked(deps, flow.accountKey);
  const chosen = flow.state === 'verifyOath' ? flow : await applyEvents(deps, flow, [{ type: 'methodChosen', method: 'oath' }]);
  const r = await verifyOathCode({ db: deps.db, envelope: deps.envelope, userId: chosen.userId!, code, now: nowOf(deps) });
  if (!r.ok) {
    if (r.reason === 'OathCodeIncorrect' || r.reason === 'OathNoMethod') await recordFailure(deps, chosen.accountKey);
    const failed = await applyEvents(deps, chosen, [{ type: 'verificationFailed', method: 'oath', reason: r.reason }]).catch(() => chosen);
    await logRefusal(deps.db, ctx, failed, { method: 'oath', reason: r.reason });
    if (failed.state === 'failed') throw new SignInError('flowFailed', 'Too many failed attempts in this sign-in. Start again.');
    throw new SignInError('oathRefused', MESSAGES[r.reason] ?? MESSAGES.OathCodeIncorrect!, { details: { oathReason: r.reason } });
  }
  const done = await applyEvents(deps, chosen, [{ type: 'verified', method: 'oath', userId: chosen.userId!, amr: OATH_AMR, mode: r.method }]);
  await recordSuccess(deps, chosen.accountKey);
  return done;
}
