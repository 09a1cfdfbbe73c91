import { createHmac } from 'node:crypto';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { RequestContext } from '../auth/principal.ts';
import type { SignInDeps } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { passkeyAmr } from './amr.ts';
import { assertNotLocked, recordFailure, recordSuccess } from './account-lockout.ts';
import { logRefusal } from './sign-in-log.ts';
import { generateAuthenticationOptions } from '../methods/passkey/generateAuthenticationOptions.ts';
import type { IssuedChallenge } from '../methods/passkey/challenges.ts';
import { storeUse, verifyAuthentication, type VerifiedAuthentication } from '../methods/passkey/verifyAuthentication.ts';
import { finishPasskeyAtOnce, type FinishAtOnce } from './passkey-completion.ts';
import type { CompletionOutcome } from './completion-repository.ts';
import { PasskeyError } from '../methods/passkey/errors.ts';
import type { SignInSubject } from '../policy/conditional-access/subject-repository.ts';

/**
 * Passkey options for the flow. Before a name is entered: discoverable (usernameless, also
 * the conditional-UI autofill request) — no state change. After: username-first, moving the
 * flow to `verifyPasskey`. A name without passkeys (unknown, or a user who has none) gets one
 * fake credential id, stable per name (HMAC), so the answer has the same shape either way.
 * `issued`: a usernameless challenge the caller already stored for this flow (the page's options
 * store it with the flow read, signin/interaction-repository.ts).
 */
export async function passkeyOptions(
  deps: SignInDeps,
  flow: StoredFlow,
  issued?: IssuedChallenge,
): Promise<{ flow: StoredFlow; options: PublicKeyCredentialRequestOptionsJSON }> {
  if (flow.state === 'identify') {
    const options = await generateAuthenticationOptions(deps, { userId: null, flowId: flow.id, ...(issued ? { issued } : {}) });
    return { flow, options };
  }
  const next = await applyEvents(deps, flow, [{ type: 'methodChosen', method: 'passkey' }]);
  const options = await generateAuthenticationOptions(deps, { userId: next.userId, flowId: next.id });
  if (!options.allowCredentials?.length) {
    const id = createHmac('sha256', deps.fakeCredentialKey)
      .update(`fake-credential:${(next.loginHint ?? '').toLowerCase()}`)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    options.allowCredentials = [{ id, type: 'public-key', transports: ['internal', 'hybrid'] }];
  }
  return { flow: next, options };
}

/**
 * Verifies an assertion for the flow (the challenge is bound to the flow, so a response from
 * another flow is refused). Success completes the flow; a refusal counts towards the flow's
 * failures and the account lockout (when a name was entered), and is logged. Also returns the
 * user's Conditional Access subject, read with the credential, for `enforceAccess`.
 *
 * With `atOnce` (the page's interaction was read on the lean path), a sign-in that needs nothing
 * more is finished here with one write (`finishPasskeyAtOnce`) and `redirectTo` is set; otherwise
 * the caller goes on with `enforceAccess` and `finishLogin`.
 */
export async function passkeyVerify(
  deps: SignInDeps,
  ctx: RequestContext,
  flow: StoredFlow,
  response: unknown,
  atOnce?: FinishAtOnce,
): Promise<{ flow: StoredFlow; subject: SignInSubject; redirectTo?: string }> {
  await assertNotLocked(deps, flow.accountKey);
  let verified: VerifiedAuthentication;
  let finished: CompletionOutcome | undefined;
  const verifiedEvent = (v: VerifiedAuthentication) => ({
    events: [
      {
        type: 'verified' as const,
        method: 'passkey' as const,
        userId: v.userId,
        amr: passkeyAmr(v.passkeyType, v.userVerified),
        aaGuid: v.aaguid,
      },
    ],
    // The account (enabled, name) was read with the credential and checked by verifyAuthentication: no second read.
    extra: { loginHint: flow.loginHint ?? v.userPrincipalName ?? null },
  });
  try {
    verified = await verifyAuthentication(deps, ctx, { response: response as never, flowId: flow.id, deferUse: true });
    finished = atOnce ? await finishPasskeyAtOnce(deps, ctx, flow, verified, verifiedEvent(verified), atOnce) : undefined;
    if (!finished) await storeUse(deps, ctx, verified.pendingUse!);
  } catch (err) {
    if (!(err instanceof PasskeyError)) throw err;
    await recordFailure(deps, flow.accountKey);
    const failed = await applyEvents(deps, flow, [{ type: 'verificationFailed', method: 'passkey', reason: err.reason }]).catch(() => flow);
    await logRefusal(deps.db, ctx, failed, { method: 'passkey', reason: err.reason });
    throw new SignInError('passkeyFailed', err.message, { status: err.status, details: { passkeyReason: err.reason }, cause: err });
  }
  if (finished?.flow) {
    await recordSuccess(deps, flow.accountKey);
    if (!finished.resulted)
      throw new SignInError('flowNotFound', 'This sign-in expired or was already finished. Start again from the app.');
    return { flow: finished.flow, subject: verified.subject, redirectTo: atOnce!.interaction.returnTo };
  }
  const { events, extra } = verifiedEvent(verified);
  const done = await applyEvents(deps, flow, events, extra);
  await recordSuccess(deps, flow.accountKey);
  return { flow: done, subject: verified.subject };
}
