import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import type { PolicyOutcome } from '../policy/conditional-access/evaluate.ts';
import type { CompiledPolicies } from '../policy/conditional-access/compile.ts';
import type { SignInMethod } from './machine.ts';
import type { StoredFlow } from './repository.ts';
import { amrOf } from './amr.ts';
import { clientAppUsedOf, userAgentOf } from './client-app.ts';
import { appendSignInLog, type AppliedPolicy, type AuthenticationDetail, type SignInLogEntry } from './signin-log-repository.ts';

/** Graph `authenticationMethod` labels of Latchkey's methods (Entra's words where it has them). */
const METHOD_LABEL: Record<SignInMethod, string> = {
  password: 'Password',
  passkey: 'Passkey',
  tap: 'Temporary Access Pass',
  oath: 'OATH verification code',
};

/**
 * Entra error codes of the sign-in log (`status.errorCode`; AADSTS numbers): 0 success, 50126
 * invalid credentials, 50053 locked, 500121 failed strong authentication, 50074 strong
 * authentication required (interrupted), 53003 blocked by Conditional Access.
 */
export const SIGNIN_ERROR = {
  success: 0,
  invalidCredentials: 50126,
  locked: 50053,
  strongAuthFailed: 500121,
  strongAuthRequired: 50074,
  blockedByCa: 53003,
} as const;

/** The error code of a failed verification's reason. */
export function errorCodeOf(reason: string | undefined): number {
  if (reason === 'accountLocked') return SIGNIN_ERROR.locked;
  if (reason?.startsWith('Oath')) return SIGNIN_ERROR.strongAuthFailed;
  return SIGNIN_ERROR.invalidCredentials;
}

/** `status.failureReason` of a failed verification: Entra-like words, with Latchkey's reason in brackets. */
export function failureTextOf(reason: string | undefined): string {
  const text: Record<string, string> = {
    invalidCredentials: 'Invalid username or password.',
    accountLocked: 'The account is locked after too many failed attempts.',
    OathCodeIncorrect: 'The verification code is not correct.',
    OathCodeDuplicate: 'The verification code was already used.',
    OathCodeOld: 'The verification code is older than one already used.',
    OathCodeFailedMaxAllowedRetryReached: 'Too many wrong verification codes: the token is locked.',
  };
  return reason ? `${text[reason] ?? 'The sign-in method was refused.'} (${reason})` : 'The sign-in method was refused.';
}

/** The flow's verified methods as authentication details, plus the one that just failed. */
export function detailsOf(flow: StoredFlow, failed?: { method: string; at: Date }): AuthenticationDetail[] {
  const done = flow.methodsPerformed.map((p) => ({
    authenticationMethod: METHOD_LABEL[p.method] ?? p.method,
    succeeded: true,
    authenticationStepDateTime: p.at,
  }));
  if (!failed) return done;
  return [
    ...done,
    {
      authenticationMethod: METHOD_LABEL[failed.method as SignInMethod] ?? failed.method,
      succeeded: false,
      authenticationStepDateTime: failed.at.toISOString(),
    },
  ];
}

/** Graph's `enforcedGrantControls` of a policy (`Block`, `Mfa`, `RequireAuthenticationStrength`, …). */
function grantControlsOf(compiled: CompiledPolicies | undefined, id: string): string[] {
  const g = compiled?.policies.find((p) => p.policy.id === id)?.policy.grantControls;
  if (!g) return [];
  const names = g.builtInControls.map((c) => (c === 'compliantDevice' ? 'RequireCompliantDevice' : c.charAt(0).toUpperCase() + c.slice(1)));
  return g.authenticationStrength ? [...names, 'RequireAuthenticationStrength'] : names;
}

/** Per-policy results for the log and the overall `conditionalAccessStatus` (from enforced policies only). */
export function appliedPolicies(
  outcomes: readonly PolicyOutcome[],
  compiled?: CompiledPolicies,
): { applied: AppliedPolicy[]; status: SignInLogEntry['conditionalAccessStatus'] } {
  const applied = outcomes.map((o) => ({
    id: o.id,
    displayName: o.displayName,
    result: o.result,
    enforcedGrantControls: o.applies ? grantControlsOf(compiled, o.id) : [],
  }));
  const status = outcomes.some((o) => o.result === 'failure')
    ? 'failure'
    : outcomes.some((o) => o.result === 'success')
      ? 'success'
      : 'notApplied';
  return { applied, status };
}

/** What an attempt's log entry says beyond the flow: its outcome, the policies' results, the failed method. */
export interface AttemptFacts {
  errorCode: number;
  failureReason?: string | null;
  outcomes?: readonly PolicyOutcome[];
  compiled?: CompiledPolicies;
  failed?: { method: string };
  now: Date;
}

/** Writes one attempt of `flow` to the sign-in log. */
export async function logAttempt(db: Kysely<DB>, ctx: RequestContext, flow: StoredFlow, e: AttemptFacts): Promise<void> {
  await appendSignInLog(db, attemptEntry(ctx, flow, e));
}

/** The sign-in log entry `logAttempt` appends (signin/passkey-completion.ts writes it with the sign-in's other writes). */
export function attemptEntry(ctx: RequestContext, flow: StoredFlow, e: AttemptFacts): SignInLogEntry {
  const { applied, status } = appliedPolicies(e.outcomes ?? [], e.compiled);
  return {
    flowId: flow.id,
    userId: flow.userId,
    userPrincipalName: flow.loginHint,
    appId: flow.clientId,
    ipAddress: ctx.ipAddress ?? null,
    clientAppUsed: clientAppUsedOf(userAgentOf(ctx)),
    errorCode: e.errorCode,
    failureReason: e.failureReason ?? null,
    conditionalAccessStatus: status,
    appliedConditionalAccessPolicies: applied,
    authenticationDetails: detailsOf(flow, e.failed && { method: e.failed.method, at: e.now }),
    authenticationRequirement: amrOf(flow.methodsPerformed).includes('mfa') ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    correlationId: ctx.correlationId ?? null,
    // A device code's approval (RFC 8628): Graph marks both, so code phishing investigations can filter on them.
    ...(flow.originalTransferMethod === 'deviceCodeFlow' ? { authenticationProtocol: 'deviceCode' as const, originalTransferMethod: 'deviceCodeFlow' as const } : {}),
    at: e.now,
  };
}
