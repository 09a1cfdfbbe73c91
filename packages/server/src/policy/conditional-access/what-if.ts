import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../store/schema.ts';
import { badRequest } from '../../errors.ts';
import { resolveUser } from '../../directory/resolve.ts';
import { readSignInSubject } from './subject-repository.ts';
import { evaluate, type AnalysisReason, type PolicyOutcome, type SignInInput } from './evaluate.ts';
import { loadCompiledPolicies } from './load.ts';
import { listConditionalAccessPolicies } from './policies.ts';
import { REGISTER_DEVICE, REGISTER_SECURITY_INFO, type ConditionalAccessPolicy } from './types.ts';

/** Graph beta `POST /identity/conditionalAccess/evaluate` request (entra-spec §1.8). */
export const whatIfRequestSchema = z.looseObject({
  signInIdentity: z.looseObject({ '@odata.type': z.string().max(100), userId: z.string().min(1).max(320).optional() }),
  signInContext: z
    .looseObject({
      '@odata.type': z.string().max(100),
      includeApplications: z.array(z.string().min(1).max(256)).max(50).optional(),
      userAction: z.string().max(100).optional(),
      authenticationContextValue: z.string().max(10).optional(),
    })
    .optional(),
  signInConditions: z
    .looseObject({
      devicePlatform: z.string().max(64).optional(),
      clientAppType: z.string().max(64).optional(),
      signInRiskLevel: z.string().max(32).optional(),
      userRiskLevel: z.string().max(32).optional(),
      country: z.string().max(8).optional(),
      ipAddress: z.string().max(64).optional(),
      deviceInfo: z.looseObject({ isCompliant: z.boolean().optional() }).optional(),
    })
    .optional(),
  appliedPoliciesOnly: z.boolean().optional(),
});
export type WhatIfRequest = z.infer<typeof whatIfRequestSchema>;

export type WhatIfResult = ConditionalAccessPolicy & { policyApplies: boolean; analysisReasons: string };

const USER_ACTIONS: Record<string, string> = {
  registerSecurityInformation: REGISTER_SECURITY_INFO,
  registerOrJoinDevices: REGISTER_DEVICE,
};

/**
 * What If: which policies apply to a described sign-in, and for those that do not, the first
 * unmet condition (`analysisReasons`, including `notEnoughInformation` when the condition's input
 * was not given). Report-only policies are included (Graph beta behaviour, §1.8 ⚠ — ADR 0008).
 */
export async function whatIf(db: Kysely<DB>, req: WhatIfRequest): Promise<WhatIfResult[]> {
  if (req.signInIdentity['@odata.type'] !== '#microsoft.graph.userSignIn' || !req.signInIdentity.userId)
    throw badRequest('Latchkey evaluates user sign-ins only: signInIdentity must be #microsoft.graph.userSignIn with a userId.');
  const user = await resolveUser(db, req.signInIdentity.userId);
  const [compiled, { groupIds, roleIds }, policies] = await Promise.all([loadCompiledPolicies(db), readSignInSubject(db, user.id), listConditionalAccessPolicies(db)]);
  const c = req.signInConditions ?? {};
  const base: Omit<SignInInput, 'target'> = {
    userId: user.id,
    groupIds,
    roleIds,
    ipAddress: c.ipAddress,
    devicePlatform: c.devicePlatform,
    clientAppType: c.clientAppType,
    signInRiskLevel: c.signInRiskLevel,
    userRiskLevel: c.userRiskLevel,
    country: c.country,
    deviceIsCompliant: c.deviceInfo?.isCompliant,
    performed: [],
    now: Date.now(),
  };
  const outcomes = targetsOf(req).map(
    (target) => evaluate({ ...base, target }, compiled, { unknown: 'whatIf', includeAll: true }).policies,
  );
  const byId = new Map(policies.map((p) => [p.id, p]));
  const results: WhatIfResult[] = [];
  outcomes[0]!.forEach((first, i) => {
    const all = outcomes.map((o) => o[i]!);
    const applied = all.find((o) => o.applies);
    const o: PolicyOutcome = applied ?? first;
    const policy = byId.get(o.id);
    if (!policy) return;
    results.push({
      ...policy,
      policyApplies: !!applied,
      analysisReasons: applied ? 'notSet' : (o.analysisReasons[0] ?? ('notSet' as AnalysisReason)),
    });
  });
  return req.appliedPoliciesOnly ? results.filter((r) => r.policyApplies) : results;
}

function targetsOf(req: WhatIfRequest): SignInInput['target'][] {
  const ctx = req.signInContext;
  if (!ctx) throw badRequest('signInContext is required (applicationContext, userActionContext or authContext).');
  switch (ctx['@odata.type']) {
    case '#microsoft.graph.applicationContext':
      if (!ctx.includeApplications?.length) throw badRequest('applicationContext needs includeApplications.');
      return ctx.includeApplications.map((appId) => ({ kind: 'application', appId }));
    case '#microsoft.graph.userActionContext': {
      const action = USER_ACTIONS[ctx.userAction ?? ''];
      if (!action) throw badRequest('userActionContext.userAction must be registerSecurityInformation or registerOrJoinDevices.');
      return [{ kind: 'userAction', action }];
    }
    case '#microsoft.graph.authContext':
      if (!ctx.authenticationContextValue) throw badRequest('authContext needs authenticationContextValue.');
      return [{ kind: 'authenticationContext', value: ctx.authenticationContextValue }];
    default:
      throw badRequest(`Unsupported signInContext @odata.type '${ctx['@odata.type']}'.`);
  }
}
