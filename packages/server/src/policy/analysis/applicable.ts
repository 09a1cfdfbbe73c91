import type { CompiledPolicies } from '../conditional-access/compile.ts';
import { userKeys } from '../conditional-access/evaluate.ts';
import { REGISTER_SECURITY_INFO } from '../conditional-access/types.ts';
import type { UserFacts } from './facts.ts';

/**
 * Which policies name a user, and — per target — which of those target it, as short keys. In
 * analysis mode a verdict depends only on (policies applicable to the target, policies applicable
 * to the registration action, the user's methods), so equal keys share one evaluation across
 * all users and apps. This is what keeps 100k users × 200 apps within seconds.
 */
export interface ApplicableIndex {
  /** Per app id: All-resources policies that exclude it. */
  excludedBy: ReadonlyMap<string, readonly number[]>;
  allApps: readonly number[];
}

export function applicableIndex(c: CompiledPolicies): ApplicableIndex {
  const excludedBy = new Map<string, number[]>();
  for (const i of c.allApps) for (const app of c.policies[i]!.excludeApps) excludedBy.set(app, [...(excludedBy.get(app) ?? []), i]);
  return { excludedBy, allApps: c.allApps };
}

export interface UserApplicable {
  /** Key of the All-resources policies that include (and do not exclude) the user. */
  base: string;
  /** Key for one app (`''` when only the base applies). */
  forApp(appId: string): string;
  /** Key for the registration action. */
  registration: string;
}

export function userApplicable(u: UserFacts, c: CompiledPolicies, idx: ApplicableIndex): UserApplicable {
  const marks = new Uint8Array(c.policies.length);
  for (const i of c.includeAllUsers) if (c.policies[i]!.includeAllUsers) marks[i] = 1;
  const keys = userKeys({ userId: u.id, groupIds: u.groupIds, roleIds: u.roleIds });
  for (const k of keys) for (const i of c.includeByKey.get(k) ?? []) marks[i] = 1;
  for (const k of keys) for (const i of c.excludeByKey.get(k) ?? []) marks[i] = 0;
  const base = idx.allApps.filter((i) => marks[i]).join(',');
  const pick = (list: readonly number[] | undefined) => (list ? list.filter((i) => marks[i]) : []);
  return {
    base,
    forApp(appId) {
      const a = appId.toLowerCase();
      const extra = pick(c.byApp.get(a));
      const minus = pick(idx.excludedBy.get(a));
      return extra.length || minus.length ? `+${extra.join(',')}-${minus.join(',')}` : '';
    },
    registration: pick(c.byAction.get(REGISTER_SECURITY_INFO)).join(','),
  };
}
