import type { CompiledPolicies } from '../conditional-access/compile.ts';
import { userKeys } from '../conditional-access/evaluate.ts';
import { REGISTER_SECURITY_INFO } from '../conditional-access/types.ts';
import type { UserFacts } from './facts.ts';

/**
 * Which policies name a user, and — per target — which of those target it, as short keys. In
 * analysis mode a verdict depends only on (policies applicable to the target, policies applicable
 * to the registration action, the user's methods), so equal keys share one evaluation across all
 * users and apps. Most apps see only the user's All-resources policies: they share the key `''`,
 * and only the few apps a policy names for this user (`special`) get their own.
 */
export interface ApplicableIndex {
  allApps: ReadonlySet<number>;
  /** Per policy: the app ids it names (lower-case), for policies that are not All-resources. */
  appsOf: ReadonlyArray<readonly string[]>;
}

export function applicableIndex(c: CompiledPolicies): ApplicableIndex {
  return {
    allApps: new Set(c.allApps),
    appsOf: c.policies.map((p) =>
      p.allApps ? [] : p.policy.conditions.applications.includeApplications.map((a) => a.toLowerCase()).filter((a) => a !== 'none'),
    ),
  };
}

export interface UserApplicable {
  /** Key of the All-resources policies that include (and do not exclude) the user. */
  base: string;
  /** App id (lower-case) → key, for apps where more or fewer policies apply than `base`. */
  special: ReadonlyMap<string, string>;
  /** Key for the registration action. */
  registration: string;
}

export function userApplicable(u: UserFacts, c: CompiledPolicies, idx: ApplicableIndex): UserApplicable {
  const included = new Set<number>();
  for (const i of c.includeAllUsers) if (c.policies[i]!.includeAllUsers) included.add(i);
  const keys = userKeys({ userId: u.id, groupIds: u.groupIds, roleIds: u.roleIds });
  for (const k of keys) for (const i of c.includeByKey.get(k) ?? []) included.add(i);
  for (const k of keys) for (const i of c.excludeByKey.get(k) ?? []) included.delete(i);
  const applied = [...included].sort((a, b) => a - b);
  const base = applied.filter((i) => idx.allApps.has(i));
  const extra = new Map<string, number[]>();
  const minus = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, app: string, i: number) => m.set(app, [...(m.get(app) ?? []), i]);
  for (const i of applied) {
    if (idx.allApps.has(i)) for (const app of c.policies[i]!.excludeApps) add(minus, app, i);
    else for (const app of idx.appsOf[i]!) add(extra, app, i);
  }
  const special = new Map<string, string>();
  for (const app of new Set([...extra.keys(), ...minus.keys()]))
    special.set(app, `+${(extra.get(app) ?? []).join(',')}-${(minus.get(app) ?? []).join(',')}`);
  const action = new Set(c.byAction.get(REGISTER_SECURITY_INFO) ?? []);
  return { base: base.join(','), special, registration: applied.filter((i) => action.has(i)).join(',') };
}
