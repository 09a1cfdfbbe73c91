import type { AuthenticationStrength } from '../strengths/types.ts';
import { BUILT_IN_STRENGTHS } from '../strengths/builtins.ts';
import { BUILT_IN_STRENGTH } from '../strengths/modes.ts';
import { rangeSet } from '../locations/cidr.ts';
import type { NamedLocation } from '../locations/types.ts';
import type { ConditionalAccessPolicy } from './types.ts';

/** A grant requirement, as the evaluator and the "needs" answer name it. */
export type Requirement =
  | { kind: 'authenticationStrength'; id: string; displayName: string; viaMfaControl: boolean }
  | { kind: 'compliantDevice' }
  | { kind: 'unsupportedControl'; control: string };

export interface CompiledPolicy {
  policy: ConditionalAccessPolicy;
  index: number;
  includeAllUsers: boolean;
  includeGuests: boolean;
  excludeGuests: boolean;
  allApps: boolean;
  excludeApps: ReadonlySet<string>;
  actions: ReadonlySet<string>;
  authContexts: ReadonlySet<string>;
  platforms: { include: ReadonlySet<string>; exclude: ReadonlySet<string> } | null;
  locations: { include: readonly string[]; exclude: readonly string[] } | null;
  clientAppTypes: ReadonlySet<string> | null;
  signInRisk: ReadonlySet<string> | null;
  userRisk: ReadonlySet<string> | null;
  block: boolean;
  operator: 'AND' | 'OR';
  requirements: Requirement[];
  /** Sign-in frequency window in ms (everyTime: 5 minutes of skew, §1.6), or null. */
  frequencyMs: number | null;
  frequencyCoversPrimary: boolean;
  /** Filled lazily by the evaluator: the shared "does not target this" outcome per target kind. */
  notTargeted: Map<string, import('./evaluate.ts').PolicyOutcome>;
}

export interface CompiledLocation {
  id: string;
  displayName: string;
  kind: 'ip' | 'country';
  trusted: boolean;
  has(ip: string): boolean;
  countries: ReadonlySet<string>;
  includeUnknownCountries: boolean;
}

/**
 * Policies compiled once for many evaluations (house style §12): indexes from user, group and role
 * keys to the policies that include or exclude them, and from app ids and user actions to the
 * policies that target them, so one sign-in touches only the policies that can concern it.
 */
export interface CompiledPolicies {
  policies: CompiledPolicy[];
  /** `u:<id>`, `g:<id>`, `r:<id>` → policy indexes. */
  includeByKey: ReadonlyMap<string, readonly number[]>;
  excludeByKey: ReadonlyMap<string, readonly number[]>;
  /** Policies with includeUsers All (or guests, decided per sign-in). */
  includeAllUsers: readonly number[];
  /** Policies whose includeApplications is All (they also cover user actions: "All resources", §1.3). */
  allApps: readonly number[];
  byApp: ReadonlyMap<string, readonly number[]>;
  byAction: ReadonlyMap<string, readonly number[]>;
  byAuthContext: ReadonlyMap<string, readonly number[]>;
  strengths: ReadonlyMap<string, AuthenticationStrength>;
  locations: ReadonlyMap<string, CompiledLocation>;
  /** Every id a policy names in users/groups/roles (lockout analysis groups users by these). */
  referencedKeys: ReadonlySet<string>;
}

const push = (m: Map<string, number[]>, k: string, i: number) => {
  const list = m.get(k);
  if (list) {
    if (list[list.length - 1] !== i) list.push(i);
  } else m.set(k, [i]);
};
const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());

/** Compiles policies, strengths (custom; built-ins are added) and named locations. Pure. */
export function compilePolicies(
  policies: readonly ConditionalAccessPolicy[],
  customStrengths: readonly AuthenticationStrength[],
  namedLocations: readonly NamedLocation[],
): CompiledPolicies {
  const strengths = new Map<string, AuthenticationStrength>(
    [...BUILT_IN_STRENGTHS, ...customStrengths].map((s) => [s.id.toLowerCase(), s]),
  );
  const locations = new Map<string, CompiledLocation>(namedLocations.map((l) => [l.id.toLowerCase(), compileLocation(l)]));
  const includeByKey = new Map<string, number[]>();
  const excludeByKey = new Map<string, number[]>();
  const byApp = new Map<string, number[]>();
  const byAction = new Map<string, number[]>();
  const byAuthContext = new Map<string, number[]>();
  const includeAllUsers: number[] = [];
  const allApps: number[] = [];
  const referencedKeys = new Set<string>();
  const compiled = policies.map((policy, index): CompiledPolicy => {
    const u = policy.conditions.users;
    const a = policy.conditions.applications;
    const keys = (prefix: string, ids: readonly string[], into: Map<string, number[]>) =>
      lower(ids).forEach((id) => {
        push(into, `${prefix}:${id}`, index);
        referencedKeys.add(`${prefix}:${id}`);
      });
    const realUsers = u.includeUsers.filter((x) => !['All', 'None', 'GuestsOrExternalUsers'].includes(x));
    keys('u', realUsers, includeByKey);
    keys('g', u.includeGroups, includeByKey);
    keys('r', u.includeRoles, includeByKey);
    keys(
      'u',
      u.excludeUsers.filter((x) => x !== 'GuestsOrExternalUsers'),
      excludeByKey,
    );
    keys('g', u.excludeGroups, excludeByKey);
    keys('r', u.excludeRoles, excludeByKey);
    const includeAll = u.includeUsers.includes('All');
    const includeGuests = u.includeUsers.includes('GuestsOrExternalUsers') || !!u.includeGuestsOrExternalUsers;
    if (includeAll || includeGuests) includeAllUsers.push(index);
    const all = a.includeApplications.includes('All');
    if (all) allApps.push(index);
    for (const app of lower(a.includeApplications)) if (app !== 'all' && app !== 'none') push(byApp, app, index);
    for (const act of lower(a.includeUserActions)) push(byAction, act, index);
    for (const c of a.includeAuthenticationContextClassReferences) push(byAuthContext, c, index);
    const c = policy.conditions;
    const g = policy.grantControls;
    const f = policy.sessionControls?.signInFrequency;
    return {
      policy,
      index,
      includeAllUsers: includeAll,
      includeGuests,
      excludeGuests: u.excludeUsers.includes('GuestsOrExternalUsers') || !!u.excludeGuestsOrExternalUsers,
      allApps: all,
      excludeApps: new Set(lower(a.excludeApplications)),
      actions: new Set(lower(a.includeUserActions)),
      authContexts: new Set(a.includeAuthenticationContextClassReferences),
      platforms: c.platforms ? { include: new Set(c.platforms.includePlatforms), exclude: new Set(c.platforms.excludePlatforms) } : null,
      locations: c.locations ? { include: c.locations.includeLocations, exclude: c.locations.excludeLocations } : null,
      clientAppTypes: c.clientAppTypes.length && !c.clientAppTypes.includes('all') ? new Set(c.clientAppTypes) : null,
      signInRisk: c.signInRiskLevels.length ? new Set(c.signInRiskLevels) : null,
      userRisk: c.userRiskLevels.length ? new Set(c.userRiskLevels) : null,
      block: !!g?.builtInControls.includes('block'),
      operator: g?.operator ?? 'AND',
      requirements: requirementsOf(policy, strengths),
      frequencyMs: f?.isEnabled ? frequencyMs(f) : null,
      frequencyCoversPrimary: f?.authenticationType !== 'secondaryAuthentication',
      notTargeted: new Map(),
    };
  });
  return {
    policies: compiled,
    includeByKey,
    excludeByKey,
    includeAllUsers,
    allApps,
    byApp,
    byAction,
    byAuthContext,
    strengths,
    locations,
    referencedKeys,
  };
}

function requirementsOf(p: ConditionalAccessPolicy, strengths: ReadonlyMap<string, AuthenticationStrength>): Requirement[] {
  const g = p.grantControls;
  if (!g) return [];
  const out: Requirement[] = [];
  for (const control of g.builtInControls) {
    if (control === 'block') continue;
    if (control === 'mfa') {
      // §1.5: the built-in "Multifactor authentication" strength is equivalent to mfa.
      out.push({
        kind: 'authenticationStrength',
        id: BUILT_IN_STRENGTH.mfa,
        displayName: 'Multifactor authentication',
        viaMfaControl: true,
      });
    } else if (control === 'compliantDevice') out.push({ kind: 'compliantDevice' });
    else out.push({ kind: 'unsupportedControl', control });
  }
  if (g.authenticationStrength) {
    const s = strengths.get(g.authenticationStrength.id.toLowerCase());
    out.push({
      kind: 'authenticationStrength',
      id: g.authenticationStrength.id.toLowerCase(),
      displayName: s?.displayName ?? g.authenticationStrength.id,
      viaMfaControl: false,
    });
  }
  for (const t of g.termsOfUse) out.push({ kind: 'unsupportedControl', control: `termsOfUse:${t}` });
  for (const t of g.customAuthenticationFactors) out.push({ kind: 'unsupportedControl', control: `customAuthenticationFactor:${t}` });
  return out;
}

const HOUR = 3_600_000;
/** §1.6: everyTime allows 5 minutes of clock skew. */
export const EVERY_TIME_SKEW_MS = 5 * 60_000;
function frequencyMs(f: { frequencyInterval: string; type: string | null; value: number | null }): number {
  if (f.frequencyInterval === 'everyTime') return EVERY_TIME_SKEW_MS;
  return (f.value ?? 0) * (f.type === 'days' ? 24 * HOUR : HOUR);
}

function compileLocation(l: NamedLocation): CompiledLocation {
  if (l['@odata.type'] === '#microsoft.graph.ipNamedLocation') {
    const set = rangeSet(l.ipRanges.map((r) => r.cidrAddress));
    return {
      id: l.id,
      displayName: l.displayName,
      kind: 'ip',
      trusted: l.isTrusted,
      has: (ip) => set.has(ip),
      countries: new Set(),
      includeUnknownCountries: false,
    };
  }
  return {
    id: l.id,
    displayName: l.displayName,
    kind: 'country',
    trusted: false,
    has: () => false,
    countries: new Set(l.countriesAndRegions),
    includeUnknownCountries: l.includeUnknownCountriesAndRegions,
  };
}
