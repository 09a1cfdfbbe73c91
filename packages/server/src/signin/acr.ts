import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import type { StoredFlow } from './repository.ts';
import { acrOf } from './amr.ts';
import { modesOf, type RequestFacts } from './registration-interrupt.ts';
import { evaluateSignIn } from '../policy/conditional-access/evaluateSignIn.ts';
import { loadCompiledPolicies } from '../policy/conditional-access/load.ts';
import type { CompiledPolicies } from '../policy/conditional-access/compile.ts';
import type { Evaluation } from '../policy/conditional-access/evaluate.ts';
import { satisfies } from '../policy/strengths/satisfies.ts';
import type { PerformedMode } from '../policy/strengths/types.ts';
import type { SignInSubject } from '../policy/conditional-access/subject-repository.ts';
import { metRequestedValue } from './requested-acr.ts';

/** A strength an enforced policy that applied to this sign-in required, and whether the session satisfies it. */
export interface RequiredStrength {
  id: string;
  custom: boolean;
  satisfied: boolean;
}

/**
 * `acr` of a sign-in (issue 4; ADR 0010). `builtIn` is the strongest built-in strength the
 * methods satisfy (`acrOf`). When the enforced policies that applied required exactly one
 * strength, that strength is custom and the session satisfies it, `acr` is its id: the app sees
 * the strength its policy demanded. In every other case — no strength required, a built-in one,
 * several different ones (a single `acr` cannot name two; the session satisfied all of them) —
 * `acr` stays the built-in answer, which states the assurance the methods actually give.
 */
export function chooseAcr(builtIn: string, required: readonly RequiredStrength[]): string {
  const ids = new Set(required.map((r) => r.id.toLowerCase()));
  if (ids.size !== 1) return builtIn;
  const only = required[0]!;
  return only.custom && required.every((r) => r.satisfied) ? only.id : builtIn;
}

/** The strengths the enforced policies that applied (result `success`) required, checked against `performed`. */
export function requiredStrengths(
  evaluation: Evaluation,
  compiled: CompiledPolicies,
  performed: readonly PerformedMode[],
): RequiredStrength[] {
  const byId = new Map(compiled.policies.map((p) => [p.policy.id, p]));
  const out: RequiredStrength[] = [];
  for (const o of evaluation.policies) {
    if (o.result !== 'success') continue;
    for (const r of byId.get(o.id)?.requirements ?? []) {
      if (r.kind !== 'authenticationStrength') continue;
      const strength = compiled.strengths.get(r.id.toLowerCase());
      if (strength)
        out.push({ id: strength.id, custom: strength.policyType === 'custom', satisfied: satisfies(strength, performed).satisfied });
    }
  }
  return out;
}

/** Whether any enabled policy requires a custom strength (otherwise `acr` is the built-in answer, without evaluating). */
function anyCustomStrength(compiled: CompiledPolicies): boolean {
  return compiled.policies.some(
    (p) =>
      p.policy.state === 'enabled' &&
      p.requirements.some(
        (r) => r.kind === 'authenticationStrength' && compiled.strengths.get(r.id.toLowerCase())?.policyType === 'custom',
      ),
  );
}

/**
 * The `acr` a completed flow finishes with: the first value the app asked for that the sign-in
 * met (`acr_values` or the `claims` parameter, in the app's order; signin/requested-acr.ts);
 * otherwise `chooseAcr` over Conditional Access for the flow's
 * app, evaluated with the flow's methods (as `enforceAccess` did just before). Only evaluated
 * when some enabled policy requires a custom strength; an evaluation error gives the built-in
 * answer (it never grants anything: `acr` only describes the sign-in).
 */
export async function acrForFlow(
  deps: SignInDeps,
  flow: StoredFlow,
  facts: RequestFacts,
  known: { subject?: SignInSubject } = {},
): Promise<string> {
  const builtIn = acrOf(flow.methodsPerformed);
  if (!flow.userId) return builtIn;
  try {
    const compiled = await loadCompiledPolicies(deps.db);
    const performed = modesOf(flow.methodsPerformed);
    // The app asked for an acr and the sign-in met one of its values: that value (OIDC Core §5.5.1.1: an essential acr must be answered with one of them).
    const met = metRequestedValue(flow.requestedAcr, performed, compiled.strengths);
    if (met !== undefined) return met;
    if (!anyCustomStrength(compiled)) return builtIn;
    const evaluation = await evaluateSignIn({
      db: deps.db,
      userId: flow.userId,
      appId: flow.clientId,
      ip: facts.ip,
      userAgent: facts.userAgent,
      performed,
      now: nowOf(deps),
      ...(known.subject ? { subject: known.subject } : {}),
    });
    return chooseAcr(builtIn, requiredStrengths(evaluation, compiled, performed));
  } catch {
    return builtIn;
  }
}
