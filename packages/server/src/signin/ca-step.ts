import type { RequestContext } from '../auth/principal.ts';
import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { SignInMethod } from './machine.ts';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { modesOf, registrationNeedOf, type RequestFacts } from './registration-interrupt.ts';
import { logAttempt, SIGNIN_ERROR } from './signin-log-entry.ts';
import { evaluateSignIn } from '../policy/conditional-access/evaluateSignIn.ts';
import type { Evaluation } from '../policy/conditional-access/evaluate.ts';
import type { CompiledPolicies } from '../policy/conditional-access/compile.ts';
import { loadCompiledPolicies } from '../policy/conditional-access/load.ts';
import { satisfies } from '../policy/strengths/satisfies.ts';
import { builtInStrength } from '../policy/strengths/builtins.ts';
import { BUILT_IN_STRENGTH } from '../policy/strengths/modes.ts';
import type { PerformedMode } from '../policy/strengths/types.ts';
import { readSignInSubject, type SignInSubject } from '../policy/conditional-access/subject-repository.ts';
import { listUserTokens } from '../methods/oath/repository.ts';
import { listUserCredentialDescriptors } from '../methods/passkey/credentials-repository.ts';
import { hasUsableTap } from '../methods/tap/redeem.ts';
import { metRequestedValue, requestedText } from './requested-acr.ts';

/** entra-spec §7.1: per-user MFA `enabled`/`enforced` means the built-in MFA strength on every sign-in. */
function mfaDone(performed: readonly PerformedMode[]): boolean {
  return satisfies(builtInStrength(BUILT_IN_STRENGTH.mfa)!, performed).satisfied;
}

/** The methods the user holds and has not used in this flow, with the modes each could prove. */
async function candidatesOf(deps: SignInDeps, flow: StoredFlow): Promise<Array<{ method: SignInMethod; modes: string[] }>> {
  const userId = flow.userId!;
  const used = new Set(flow.methodsPerformed.map((p) => p.method));
  const [tokens, passkeys, tap] = await Promise.all([
    deps.envelope ? listUserTokens(deps.db, userId) : Promise.resolve([]),
    listUserCredentialDescriptors(deps.db, userId),
    hasUsableTap(deps.db, userId, nowOf(deps)),
  ]);
  const oathModes = [
    ...new Set(tokens.filter((t) => t.status === 'activated').map((t) => (t.kind === 'hardware' ? 'hardwareOath' : 'softwareOath'))),
  ];
  const all: Array<{ method: SignInMethod; modes: string[] }> = [
    { method: 'oath', modes: oathModes },
    { method: 'passkey', modes: passkeys.length ? ['fido2'] : [] },
    { method: 'tap', modes: tap ? ['temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse'] : [] },
  ];
  return all.filter((c) => c.modes.length && !used.has(c.method));
}

/** What is required, in plain words: the strengths (or controls) of the policies that need more, per-user MFA, and what the app asked for. */
function requiredText(evaluation: Evaluation, perUserMissing: boolean, requested?: string): string {
  const names = new Set<string>();
  if (requested) names.add(requested);
  if (evaluation.decision.decision === 'needs')
    for (const n of evaluation.decision.needs)
      for (const way of n.anyOf)
        for (const r of way)
          names.add(r.kind === 'authenticationStrength' ? r.displayName : r.kind === 'compliantDevice' ? 'a compliant device' : r.control);
  if (perUserMissing) names.add('Multifactor authentication');
  return [...names].join(' or ') || 'a stronger sign-in';
}

const USED: Record<string, string> = {
  password: 'a password',
  passkey: 'a passkey',
  tap: 'a Temporary Access Pass',
  oath: 'a verification code',
};

/** The methods performed so far, in plain words ("a password and a verification code"). */
const usedMethods = (flow: StoredFlow): string => [...new Set(flow.methodsPerformed.map((p) => USED[p.method] ?? p.method))].join(' and ');

/** Conditional Access and per-user MFA over a completed flow's methods: the decision `enforceAccess` acts on. */
export interface AccessEvaluation {
  now: Date;
  performed: PerformedMode[];
  compiled: CompiledPolicies;
  evaluation: Evaluation;
  /** Evaluates the flow's app with other methods (what a second factor would give). */
  evaluate(modes: readonly PerformedMode[]): Promise<Evaluation>;
  /** The methods the user holds and has not used in this flow (`candidatesOf`), read once when first asked for. */
  candidates(): Promise<Array<{ method: SignInMethod; modes: string[] }>>;
  /** Per-user MFA (entra-spec §7.1) asks for a second method the flow has not performed. */
  perUserMissing: boolean;
  /**
   * The app asked for an `acr` the methods do not meet yet (signin/requested-acr.ts): always when
   * it is essential; when voluntary, only if a method the user holds would meet it (OIDC Core
   * §5.5.1.1: a voluntary `acr` the user cannot give is answered with the one reached).
   */
  requestedMissing: boolean;
  /** Nothing more is needed: the sign-in may finish (and is logged as a success). */
  allowed: boolean;
}

/** The first half of `enforceAccess`, without writing anything (signin/passkey-completion.ts writes its outcome with the sign-in's other writes). */
export async function evaluateAccess(
  deps: SignInDeps,
  flow: StoredFlow,
  req: RequestFacts,
  known: { subject?: SignInSubject } = {},
): Promise<AccessEvaluation> {
  const userId = flow.userId!;
  const now = nowOf(deps);
  const performed = modesOf(flow.methodsPerformed);
  // One read of the user's groups, roles and per-user MFA state for every evaluation below (a passkey's assertion read it already).
  const [subject, compiled] = await Promise.all([known.subject ?? readSignInSubject(deps.db, userId), loadCompiledPolicies(deps.db)]);
  const perUser = subject.perUserMfaState;
  const evaluate = (modes: readonly PerformedMode[]) =>
    evaluateSignIn({ db: deps.db, userId, appId: flow.clientId, ip: req.ip, userAgent: req.userAgent, performed: modes, now, subject });
  const evaluation = await evaluate(performed);
  let perUserMissing = perUser !== 'disabled' && !mfaDone(performed);
  // entra-spec §7.1: an Enabled user is "prompted to register at next sign-in"; until they hold a
  // second method they cannot do MFA and are not refused for it (Enforced users are: registration done).
  let read: ReturnType<typeof candidatesOf> | undefined;
  const candidates = () => (read ??= candidatesOf(deps, flow));
  if (perUserMissing && perUser === 'enabled' && (await candidates()).length === 0) perUserMissing = false;
  const requested = flow.requestedAcr;
  let requestedMissing = !!requested && metRequestedValue(requested, performed, compiled.strengths) === undefined;
  if (requestedMissing && !requested!.essential)
    requestedMissing = (await candidates()).some((c) =>
      c.modes.some((mode) => metRequestedValue(requested, [...performed, { mode, at: now.toISOString() }], compiled.strengths) !== undefined),
    );
  return {
    now,
    performed,
    compiled,
    evaluation,
    evaluate,
    candidates,
    perUserMissing,
    requestedMissing,
    allowed: evaluation.decision.decision === 'allow' && !perUserMissing && !requestedMissing,
  };
}

/**
 * Conditional Access after each verification (issue 4 item 4): evaluates the app being signed
 * into (the interaction's client id) with the methods performed so far, and per-user MFA
 * (issue 5 item 5). Allow → the flow stays complete. Block → `failed` with the reason. Needs
 * more → `chooseSecondFactor` offering the user's methods that would satisfy it (each tried
 * through the engine); when none would, the registration interrupt takes over if it can,
 * otherwise the flow fails and the user is told why. Every outcome is written to the sign-in log.
 */
export async function enforceAccess(
  deps: SignInDeps,
  ctx: RequestContext,
  flow: StoredFlow,
  req: RequestFacts,
  known: { subject?: SignInSubject } = {},
): Promise<StoredFlow> {
  if (flow.state !== 'complete' || !flow.userId) return flow;
  const access = await evaluateAccess(deps, flow, req, known);
  const { now, performed, evaluation, compiled, evaluate, perUserMissing, requestedMissing } = access;
  const requested = requestedMissing ? flow.requestedAcr : undefined;
  const meetsRequest = (modes: readonly PerformedMode[]) => !requested || metRequestedValue(requested, modes, compiled.strengths) !== undefined;
  const d = evaluation.decision;
  const log = (errorCode: number, failureReason: string | null) =>
    logAttempt(deps.db, ctx, flow, { errorCode, failureReason, outcomes: evaluation.policies, compiled, now });

  if (access.allowed) {
    await log(SIGNIN_ERROR.success, null);
    return flow;
  }
  if (d.decision === 'block') {
    const names = evaluation.policies.filter((p) => d.blockedBy.includes(p.id)).map((p) => p.displayName);
    const reason = `Your organisation's access policy blocks signing in to this app (${names.join(', ')}). Ask your administrator if you need access.`;
    await log(SIGNIN_ERROR.blockedByCa, reason);
    await applyEvents(deps, flow, [{ type: 'denied', reason }]);
    throw new SignInError('accessBlocked', reason, { details: { policies: d.blockedBy } });
  }

  const required = requiredText(evaluation, perUserMissing, requested && requestedText(requested, compiled.strengths));
  const offered: SignInMethod[] = [];
  for (const c of await access.candidates())
    for (const mode of c.modes) {
      const more = [...performed, { mode, at: now.toISOString() }];
      if ((await evaluate(more)).decision.decision === 'allow' && (!perUserMissing || mfaDone(more)) && meetsRequest(more)) {
        offered.push(c.method);
        break;
      }
    }
  if (offered.length) {
    const reason = `This app requires ${required}; signing in with ${usedMethods(flow)} is not enough. Verify your identity once more to continue.`;
    await log(SIGNIN_ERROR.strongAuthRequired, reason);
    return applyEvents(deps, flow, [{ type: 'secondFactorRequired', methodsOffered: offered, reason }]);
  }
  // Nothing the user holds satisfies it: registering a passkey may (the interrupt decides), otherwise refuse with the reason.
  if ((await registrationNeedOf(deps, flow, req)).kind === 'required') {
    await log(SIGNIN_ERROR.strongAuthRequired, `This app requires ${required}; the user must register a passkey first.`);
    return flow;
  }
  const reason = `This app requires ${required}. Signing in with ${usedMethods(flow)} does not satisfy it, and you have no other sign-in method that does. Ask your administrator for help.`;
  // Only the app's own request unmet (policy allowed): Entra's "strong authentication failed", not a Conditional Access block.
  await log(d.decision === 'allow' && !perUserMissing ? SIGNIN_ERROR.strongAuthFailed : SIGNIN_ERROR.blockedByCa, reason);
  await applyEvents(deps, flow, [{ type: 'denied', reason }]);
  throw new SignInError('accessBlocked', reason, {
    details: { policies: d.decision === 'needs' ? d.needs.map((n) => n.policyId) : [], ...(requested ? { requestedAcr: requested.values } : {}) },
  });
}
