import type { RequestContext } from '../auth/principal.ts';
import type { SignInDeps } from './deps.ts';
import { nextFlow } from './flows.ts';
import type { SignInEvent } from './machine.ts';
import type { StoredFlow } from './repository.ts';
import { evaluateAccess } from './ca-step.ts';
import { acrForFlow } from './acr.ts';
import { loginResultOf } from './interaction.ts';
import { attemptEntry, SIGNIN_ERROR } from './signin-log-entry.ts';
import { signInLogItemOf } from './signin-log-repository.ts';
import type { RequestFacts } from './registration-interrupt.ts';
import { commitCompletion, type CompletionOutcome } from './completion-repository.ts';
import { refuseClone, type VerifiedAuthentication } from '../methods/passkey/verifyAuthentication.ts';

/** What finishing at once needs besides the flow: the interaction read on the lean path and the request's facts. */
export interface FinishAtOnce {
  interaction: { uid: string; returnTo: string };
  facts: RequestFacts;
}

/**
 * The common end of a passkey sign-in — the passkey completes the flow and Conditional Access
 * allows it with nothing more — written at once: the credential's use, the completed flow, the
 * sign-in log's success row and the interaction's result go to the database together
 * (`commitCompletion`: one statement on PostgreSQL), where the step-by-step path writes them one
 * after another (`storeUse`, `applyEvents`, `enforceAccess`, `finishLogin`). Everything is
 * decided before anything is written, by the same functions that path uses (`nextFlow`,
 * `evaluateAccess`, `acrForFlow`, `attemptEntry`, `loginResultOf`).
 *
 * Undefined when the sign-in needs more (a second factor, a block, a refused transition): nothing
 * was written and the caller takes the step-by-step path, which also words the refusal. A counter
 * that a concurrent use overtook is refused as a possible clone, as `storeUse` refuses it. An
 * outcome without `flow` means another request moved the flow first: the use is stored and the
 * caller goes on with `applyEvents`, which reloads the flow.
 */
export async function finishPasskeyAtOnce(
  deps: SignInDeps,
  ctx: RequestContext,
  flow: StoredFlow,
  verified: VerifiedAuthentication,
  verifiedEvent: { events: SignInEvent[]; extra: Partial<Pick<StoredFlow, 'loginHint'>> },
  at: FinishAtOnce,
): Promise<CompletionOutcome | undefined> {
  const pending = verified.pendingUse;
  if (!pending) return undefined;
  let next: StoredFlow;
  try {
    next = nextFlow(deps, flow, verifiedEvent.events, verifiedEvent.extra);
  } catch {
    return undefined; // the step-by-step path refuses it with the same words
  }
  if (next.state !== 'complete' || !next.userId) return undefined;
  const known = { subject: verified.subject };
  const access = await evaluateAccess(deps, next, at.facts, known);
  if (!access.allowed) return undefined;
  const acr = await acrForFlow(deps, next, at.facts, known);
  const log = attemptEntry(ctx, next, {
    errorCode: SIGNIN_ERROR.success,
    failureReason: null,
    outcomes: access.evaluation.policies,
    compiled: access.compiled,
    now: access.now,
  });
  const outcome = await commitCompletion(deps.db, {
    use: pending.use,
    save: { next, expectedVersion: flow.version, now: new Date() },
    log: signInLogItemOf(log),
    result: { uid: at.interaction.uid, result: loginResultOf(next, acr), now: new Date() }, // the interaction's life: the provider's clock
  });
  if (!outcome.used) await refuseClone(deps, ctx, pending.credential, pending.use.newSignCount);
  return outcome;
}
