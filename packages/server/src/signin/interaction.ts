import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { StoredFlow } from './repository.ts';
import { acrOf, amrOf } from './amr.ts';
import { SignInError } from './errors.ts';
import type { SignInDeps } from './deps.ts';
import { findFlowOfLiveInteraction, setInteractionResult } from './interaction-repository.ts';
import { interactionUidOf } from '../oidc/interaction-cookie.ts';
import { SILENT_PARAM, silentRefusal } from '../oidc/offline-access.ts';
import type { IssuedChallenge } from '../methods/passkey/challenges.ts';
import { requestedAcrOf, type RequestedAcr } from './requested-acr.ts';

/** What the sign-in routes need to know about the oidc-provider interaction. */
export interface InteractionInfo {
  uid: string;
  prompt: string;
  clientId: string;
  loginHint: string | null;
  /** The session's user when the interaction is a consent (or step-up) prompt. */
  accountId: string | null;
  /** Why oidc-provider asked (`prompt.reasons`, e.g. `no_session`, `login_prompt`, `max_age`, `conditional_access`). */
  reasons: string[];
  /** The SSO session's id (its cookie value), when the browser has one. */
  sessionId: string | null;
  /** A silent request (prompt=none for offline_access, oidc/offline-access.ts): no screen may be shown. */
  silent: boolean;
  /** The interaction approves a device code (RFC 8628; oidc-provider records the code's id on it). */
  deviceCode: boolean;
  /** The `acr` the app asked for (`acr_values` or the `claims` parameter; signin/requested-acr.ts). */
  requestedAcr: RequestedAcr | undefined;
}

/** The interaction each request loaded (`interactionOf`), so finishing it does not read it again. */
const loadedInteractions = new WeakMap<IncomingMessage, LoadedInteraction>();
/** The interactions read on the lean path (`leanFlowOf`). */
const leanInteractions = new WeakMap<IncomingMessage, { uid: string; returnTo: string }>();
/** The part of oidc-provider's Interaction model (what `interactionDetails` returns) that `interactionResult` uses. */
type LoadedInteraction = { result?: unknown; exp: number; returnTo: string; save(ttlSeconds: number): Promise<unknown> };

/** The interaction of this browser (its signed `_interaction` cookie), which must be `uid`. */
export async function interactionOf(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string): Promise<InteractionInfo> {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (cause) {
    throw new SignInError('flowNotFound', 'This sign-in is unknown, expired, or was opened in another browser. Start again from the app.', {
      cause,
    });
  }
  if (details.uid !== uid) throw new SignInError('flowNotFound', 'This sign-in page belongs to another sign-in. Start again from the app.');
  loadedInteractions.set(req, details as unknown as LoadedInteraction);
  const params = details.params as Record<string, unknown>;
  return {
    uid: details.uid,
    prompt: details.prompt.name,
    clientId: String(params.client_id),
    loginHint: typeof params.login_hint === 'string' ? params.login_hint.slice(0, 256) : null,
    accountId: (details.session as { accountId?: string } | undefined)?.accountId ?? null,
    reasons: details.prompt.reasons ?? [],
    sessionId: (details.session as { cookie?: string } | undefined)?.cookie ?? null,
    silent: params[SILENT_PARAM] === '1',
    deviceCode: typeof (details as { deviceCode?: unknown }).deviceCode === 'string',
    requestedAcr: requestedAcrOf(params),
  };
}

/**
 * The flow of the sign-in page's interaction `uid`, for the page's calls after `start` (which
 * created the flow), without oidc-provider's `interactionDetails`: the same signed-cookie check
 * (`oidc/interaction-cookie.ts`), then one statement reads the flow with the live interaction's
 * facts (`findFlowOfLiveInteraction`) instead of two, and `finishLogin` later writes only the
 * interaction's `result`. Measured: docs/benchmarks/passkey-signin.md.
 *
 * Undefined when this lean path does not apply, and the caller takes the provider's path, which
 * also words the precise error: no flow yet, a cookie missing or not for `uid`, an interaction
 * that is not a `login` prompt, or one inside an SSO session (the provider also checks that the
 * session still exists and has the same account; the lean path leaves those to it).
 *
 * `challenge`: the passkey options' usernameless challenge, stored by the same statement when the
 * flow is at `identify` (`issued` then names it; `findFlowOfLiveInteraction`).
 */
export async function leanFlowOf(
  deps: SignInDeps,
  cookieKeys: readonly string[],
  req: IncomingMessage,
  uid: string,
  challenge?: IssuedChallenge,
): Promise<{ flow: StoredFlow; issued?: IssuedChallenge } | undefined> {
  if (interactionUidOf(req.headers.cookie, cookieKeys) !== uid) return undefined;
  // The interaction's life is the provider's, on the real clock (the flow's own 10 minutes follow `deps.now`).
  const found = await findFlowOfLiveInteraction(deps.db, uid, new Date(), challenge);
  if (!found || found.interaction.prompt !== 'login' || found.interaction.hasSession) return undefined;
  const loaded: LoadedInteraction = {
    exp: found.interaction.exp,
    returnTo: found.interaction.returnTo,
    async save() {
      if (!(await setInteractionResult(deps.db, uid, loaded.result as Record<string, unknown>, new Date())))
        throw new SignInError('flowNotFound', 'This sign-in expired or was already finished. Start again from the app.');
    },
  };
  loadedInteractions.set(req, loaded);
  leanInteractions.set(req, { uid, returnTo: found.interaction.returnTo });
  return { flow: found.flow, ...(found.issued ? { issued: found.issued } : {}) };
}

/**
 * Finishes a completed flow's login prompt: oidc-provider stores `amr`, `acr` (default: the
 * strongest built-in strength; `signin/acr.ts` decides when a custom one applies) and the time of
 * the last method in the session; ID tokens then carry them (with `auth_time`). Returns the URL
 * the browser goes to next (the provider's resume endpoint).
 */
export async function finishLogin(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  flow: StoredFlow,
  acr: string = acrOf(flow.methodsPerformed),
): Promise<string> {
  const result = loginResultOf(flow, acr);
  // What provider.interactionResult does (mergeWithLastSubmission: false), on the interaction this request already loaded.
  const loaded = loadedInteractions.get(req);
  if (loaded) {
    loaded.result = result;
    await loaded.save(loaded.exp - Math.floor(Date.now() / 1000));
    return loaded.returnTo;
  }
  return provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
}

/** The interaction result that finishes a completed flow's login prompt (`finishLogin`). */
export function loginResultOf(
  flow: StoredFlow,
  acr: string,
): { login: { accountId: string; amr: string[]; acr: string; ts: number; remember: true } } {
  if (flow.state !== 'complete' || !flow.userId) throw new SignInError('wrongStep', 'This sign-in is not complete yet.');
  const last = flow.methodsPerformed.at(-1);
  const ts = Math.floor(new Date(last?.at ?? Date.now()).getTime() / 1000);
  return { login: { accountId: flow.userId, amr: amrOf(flow.methodsPerformed), acr, ts, remember: true } };
}

/** The interaction this request read on the lean path (`leanFlowOf`): its uid and resume URL; undefined on the provider's path. */
export function leanInteractionOf(req: IncomingMessage): { uid: string; returnTo: string } | undefined {
  return leanInteractions.get(req);
}

/** A silent request's interaction that needs the user (`/signin/{uid}/silent`): the app gets `login_required` or `interaction_required` (oidc/offline-access.ts). */
export async function refuseSilently(provider: Provider, req: IncomingMessage, res: ServerResponse, prompt: string): Promise<string> {
  return provider.interactionResult(req, res, silentRefusal(prompt), { mergeWithLastSubmission: false });
}

/**
 * The consent prompt, answered without asking: Latchkey's own apps and the apps an
 * administrator registered are consented tenant-wide (Entra's admin consent), so users are
 * never asked. Grants the requested OIDC scopes and claims and any resource scopes.
 */
export async function grantConsent(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<string> {
  const details = await provider.interactionDetails(req, res);
  const { accountId } = details.session as { accountId: string };
  const clientId = String((details.params as Record<string, unknown>).client_id);
  type GrantOf = InstanceType<Provider['Grant']>;
  const Grant = provider.Grant as Provider['Grant'] & { find(id: string): Promise<GrantOf | undefined> };
  const grant = details.grantId ? await Grant.find(details.grantId) : new Grant({ accountId, clientId });
  if (!grant) throw new SignInError('flowNotFound', 'This sign-in lost its grant. Start again from the app.');
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  return provider.interactionResult(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
