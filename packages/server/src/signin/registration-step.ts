import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { modesOf, registrationNeedOf, type RegistrationNeed, type RequestFacts } from './registration-interrupt.ts';
import { recordSnooze } from './registration-campaign.ts';
import { generateRegistrationOptions } from '../methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../methods/passkey/verifyRegistration.ts';
import { PasskeyError } from '../methods/passkey/errors.ts';
import { ONE_TIME_REGISTRATION_WINDOW_MS } from '../methods/tap/sessions.ts';
import { evaluateSignIn } from '../policy/conditional-access/evaluateSignIn.ts';
import { REGISTER_SECURITY_INFO } from '../policy/conditional-access/types.ts';

const REGISTERING = new Set(['registrationRequired', 'registrationCampaign']);

/** entra-spec §7.6: adding a passkey needs a sign-in within the last 5 minutes (as `freshness.ts` for /me). */
const FRESH_SIGNIN_SECONDS = 300;

/**
 * The checks before a passkey may be added in the interrupt (entra-spec §7.6, §3.3, §1.3/§2.5):
 * - the flow is in a registration state (its 15-minute session is the flow's own expiry);
 * - the sign-in is fresh: within 5 minutes, or — after a one-time TAP — within its 10-minute window;
 * - Conditional Access allows the user action `urn:user:registersecurityinfo` with the methods
 *   performed (strengths targeting the action take precedence over All-resources ones: the CA
 *   engine applies that §2.5 decision).
 */
async function assertMayRegister(deps: SignInDeps, flow: StoredFlow, req: RequestFacts): Promise<void> {
  if (!REGISTERING.has(flow.state) || !flow.userId) throw new SignInError('wrongStep', 'This sign-in is not setting up a passkey.');
  const now = nowOf(deps);
  if (flow.expiresAt.getTime() <= now.getTime())
    throw new SignInError('flowExpired', 'Setting up your passkey took too long (15 minutes). Sign in again.');
  const last = flow.methodsPerformed.at(-1);
  const ageMs = last ? now.getTime() - new Date(last.at).getTime() : Infinity;
  const windowMs = last?.method === 'tap' && last.tap?.isUsableOnce ? ONE_TIME_REGISTRATION_WINDOW_MS : FRESH_SIGNIN_SECONDS * 1000;
  if (ageMs > windowMs)
    throw new SignInError(
      'registrationRefused',
      `Adding a passkey needs a sign-in within the last ${Math.round(windowMs / 60_000)} minutes. Sign in again.`,
      { details: { registrationReason: 'signInTooOld' } },
    );
  let evaluation;
  try {
    evaluation = await evaluateSignIn({
      db: deps.db,
      userId: flow.userId,
      userAction: REGISTER_SECURITY_INFO,
      ip: req.ip,
      userAgent: req.userAgent,
      performed: modesOf(flow.methodsPerformed),
      now,
    });
  } catch {
    return; // no Conditional Access engine answer: nothing to enforce for the action
  }
  const d = evaluation.decision;
  if (d.decision === 'block')
    throw new SignInError('registrationRefused', 'Your organisation blocks registering security info from here.', {
      details: { registrationReason: 'blockedByConditionalAccess', policies: d.blockedBy },
    });
  if (d.decision === 'needs')
    throw new SignInError(
      'registrationRefused',
      `Registering security info needs a stronger sign-in (${d.needs.map((n) => n.displayName).join(', ')}).`,
      {
        details: { registrationReason: 'conditionalAccess', policies: d.needs.map((n) => n.policyId) },
      },
    );
}

/** What the page shows in a registration state: the need (required or the nudge with snoozes left). */
export async function registrationStatus(deps: SignInDeps, flow: StoredFlow, req: RequestFacts): Promise<RegistrationNeed> {
  if (!REGISTERING.has(flow.state)) return { kind: 'none' };
  const need = await registrationNeedOf(deps, { ...flow, state: 'complete' }, req);
  if (flow.state === 'registrationCampaign' && need.kind !== 'campaign') return { kind: 'campaign', snoozesLeft: null };
  return need;
}

/** WebAuthn creation options for the interrupt, bound to the flow (the challenge row carries the flow id). */
export async function registrationOptions(
  deps: SignInDeps,
  flow: StoredFlow,
  req: RequestFacts,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await assertMayRegister(deps, flow, req);
  try {
    return await generateRegistrationOptions({ db: deps.db, rp: deps.rp }, { userId: flow.userId!, flowId: flow.id, mode: 'selfService' });
  } catch (err) {
    if (err instanceof PasskeyError)
      throw new SignInError('registrationRefused', err.message, { details: { passkeyReason: err.reason }, cause: err });
    throw err;
  }
}

/** Verifies the attestation, stores the passkey (with its audit entry) and completes the flow. */
export async function registrationVerify(
  deps: SignInDeps,
  ctx: RequestContext,
  flow: StoredFlow,
  response: unknown,
  req: RequestFacts,
): Promise<StoredFlow> {
  await assertMayRegister(deps, flow, req);
  try {
    await verifyRegistration(
      { db: deps.db, rp: deps.rp },
      { ...ctx, principal: { kind: 'user', id: flow.userId!, displayName: flow.loginHint ?? flow.userId!, roles: [], scopes: [] } },
      {
        response: response as never,
        expectedUserId: flow.userId!,
        flowId: flow.id,
      },
    );
  } catch (err) {
    if (err instanceof PasskeyError)
      throw new SignInError('passkeyFailed', err.message, { status: err.status, details: { passkeyReason: err.reason }, cause: err });
    throw err;
  }
  return applyEvents(deps, flow, [{ type: 'registered' }]);
}

/** "Not now" on the campaign's nudge: counted (entra-spec §7.5 snoozes) and audited; refused once forced. */
export async function snoozeRegistration(deps: SignInDeps, ctx: RequestContext, flow: StoredFlow): Promise<StoredFlow> {
  if (flow.state !== 'registrationCampaign' || !flow.userId)
    throw new SignInError('wrongStep', 'There is nothing to postpone in this sign-in.');
  const now = nowOf(deps);
  await deps.db.transaction().execute(async (trx) => {
    const n = await recordSnooze(trx, flow.userId!, now);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Snooze passkey registration campaign',
      operationType: 'Update',
      targets: [{ id: flow.userId!, type: 'User', userPrincipalName: flow.loginHint }],
      details: { snoozeCount: String(n) },
    });
  });
  return applyEvents(deps, flow, [{ type: 'snoozed' }]);
}
