import { defineOp } from '../ops.ts';
import { analyzeLockout } from '../../policy/analysis/analyze.ts';
import type { AnalysisReport } from '../../policy/analysis/run.ts';
import { listConditionalAccessPolicies } from '../../policy/conditional-access/policies.ts';
import type { ConditionalAccessPolicy } from '../../policy/conditional-access/types.ts';

export interface PolicyAnalyzeArgs {
  /** In-process only (a function does not cross the control socket): called as users are analysed. */
  onProgress?: (done: number, total: number) => void;
}

/** `policy.analyze` — the lockout analysis over every user × every app and the registration action. */
export const policyAnalyzeOp = defineOp<PolicyAnalyzeArgs, AnalysisReport>({
  name: 'policy.analyze',
  run: async (rt, raw) => analyzeLockout(rt.store.db, typeof raw?.onProgress === 'function' ? raw.onProgress : undefined),
});

/** `policy.list` — Conditional Access policies in Graph's shape. */
export const policyListOp = defineOp<Record<string, never>, ConditionalAccessPolicy[]>({
  name: 'policy.list',
  run: async (rt) => listConditionalAccessPolicies(rt.store.db),
});
