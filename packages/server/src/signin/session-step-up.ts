import type Provider from 'oidc-provider';
import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { applyEvents, startFlow } from './flows.ts';
import type { PerformedMethod } from './machine.ts';
import type { StoredFlow } from './repository.ts';
import type { InteractionInfo } from './interaction.ts';
import { SignInError } from './errors.ts';
import { sessionMethods } from './step-up.ts';
import { accountKeyOf } from './account-lockout.ts';
import { enforceAccess } from './ca-step.ts';
import { modesOf, registrationInterrupt, type RequestFacts } from './registration-interrupt.ts';
import type { SignInContext } from './client-app.ts';
import { findUserById } from '../oidc/principals-repository.ts';
import { findTapOfUser } from '../methods/tap/repository.ts';
import { evaluateSignIn } from '../policy/conditional-access/evaluateSignIn.ts';

/** `signin_flows.version` of a row as inserted (migration 0007: default 1; every save bumps it). */
const INSERTED_VERSION = 1;

/** The login-prompt reason of the step-up check (oidc/provider.ts `stepUpPolicy`). */
export const STEP_UP_REASON = 'conditional_access';

/**
 * Login-prompt reasons that a step-up answers by carrying the session's methods: Conditional
 * Access needs more, or the app asks for an essential `acr` the session's does not equal
 * (oidc-provider's `essential_acr`/`essential_acrs` checks; signin/requested-acr.ts).
 */
const CARRIED_REASONS: ReadonlySet<string> = new Set([STEP_UP_REASON, 'essential_acr', 'essential_acrs']);

/** What this module reads of oidc-provider's Session model (not in the local typings). */
type SessionModel = { find(id: string): Promise<{ accountId?: string; loginTs?: number } | undefined> };

/**
 * The methods a step-up may carry from the SSO session, or undefined when it must not: the login
 * prompt was asked *only* because Conditional Access or the app's essential `acr` needs more (not `prompt=login`, `max_age`,
 * an ID token hint or a missing session, which all demand a fresh sign-in); the session is the
 * interaction's user, enabled, and made by a Latchkey flow we can read back; TAP methods whose
 * pass has ended, was deleted or replaced are dropped (a TAP session ends with the pass, entra-spec §3.3).
 */
async function carriedMethods(deps: SignInDeps, provider: Provider, info: InteractionInfo): Promise<{ userId: string; upn: string; methods: PerformedMethod[] } | undefined> {
  if (!info.accountId || !info.sessionId || !info.reasons.length || !info.reasons.every((r) => CARRIED_REASONS.has(r))) return undefined;
  const session = await (provider as unknown as { Session: SessionModel }).Session.find(info.sessionId);
  if (!session || session.accountId !== info.accountId) return undefined;
  const [user, performed] = await Promise.all([findUserById(deps.db, info.accountId), sessionMethods(deps.db, info.accountId, session.loginTs)]);
  if (!user?.enabled || !performed) return undefined;
  const now = nowOf(deps).getTime();
  // A TAP counts only while that very pass lives: not ended, not deleted, not replaced by a newer one (one per user).
  const liveTap = performed.some((p) => p.tap) ? await findTapOfUser(deps.db, user.id) : undefined;
  const methods = performed.filter((p) => !p.tap || (liveTap?.id === p.tap.id && new Date(p.tap.endsAt).getTime() > now));
  return methods.length ? { userId: user.id, upn: user.userPrincipalName ?? user.id, methods } : undefined;
}

/**
 * The flow of an interaction (issue 4 item 4): as `startFlow`, except that a new flow for a
 * step-up inside an SSO session starts from the session's verified methods instead of from
 * nothing (machine event `sessionCarried` → `complete`), and Conditional Access then asks only
 * for what is missing — a session with a password gets the OATH code step, a session with a TAP
 * the passkey — or refuses in plain words, or lets the registration interrupt take over. The
 * carry happens while the flow is as inserted (before any step was saved), so "Use another
 * account" (`restart`) forgets it for good. Other interactions cost nothing extra (no I/O before
 * the prompt-reason check).
 * A sign-in frequency demand (`reauthenticate`) is not carried: the person signs in afresh.
 */
export async function startFlowForInteraction(deps: SignInDeps, provider: Provider, ctx: SignInContext, info: InteractionInfo, facts: RequestFacts): Promise<StoredFlow> {
  const flow = await startFlow(deps, { interactionUid: info.uid, clientId: info.clientId, deviceCode: info.deviceCode, requestedAcr: info.requestedAcr });
  // Only a flow never saved since its insertion (version 1: nothing entered, verified or restarted) takes the session over.
  if (flow.version !== INSERTED_VERSION || flow.state !== 'identify') return flow;
  const carry = await carriedMethods(deps, provider, info);
  if (!carry) return flow;
  const check = await evaluateSignIn({ db: deps.db, userId: carry.userId, appId: info.clientId, ip: facts.ip, userAgent: facts.userAgent, performed: modesOf(carry.methods), now: nowOf(deps) });
  if (check.decision.decision === 'needs' && check.decision.needs.some((n) => n.reauthenticate)) return flow;
  let carried: StoredFlow;
  try {
    carried = await applyEvents(deps, flow, [{ type: 'sessionCarried', userId: carry.userId, methods: carry.methods }], { loginHint: carry.upn, accountKey: accountKeyOf(carry.userId, carry.upn) });
  } catch (err) {
    // A parallel first request of the same page carried it first; its Conditional Access answer is the one that counts.
    if (err instanceof SignInError) throw new SignInError('conflict', 'This sign-in changed in another tab or request. Reload the page.', { cause: err });
    throw err;
  }
  return registrationInterrupt(deps, await enforceAccess(deps, ctx, carried, facts), facts);
}
