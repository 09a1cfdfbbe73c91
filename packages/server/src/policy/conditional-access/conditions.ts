import type { CompiledPolicies, CompiledPolicy } from './compile.ts';
import type { AnalysisReason, SignInInput } from './evaluate.ts';

/** Three-valued: true, false, or undefined when the input the condition needs is missing. */
export type Tri = boolean | undefined;

export interface ConditionsResult {
  applies: Tri;
  /** The first condition that is not met (or not known). */
  reason?: AnalysisReason;
  explanation: string;
}

const any = (xs: Tri[]): Tri => (xs.includes(true) ? true : xs.includes(undefined) ? undefined : false);

/**
 * The conditions of one policy (entra-spec §1.4), ANDed (§1.1), checked in What If's order;
 * the first one not met is the reason. A missing input gives `undefined` (notEnoughInformation).
 * Callers that enforce fill every input in (`evaluateSignIn`): an unparsed User-Agent is the
 * platform `unknown`, an unknown country is `unknown`, no risk signal is risk `none`.
 */
export function conditionsOf(p: CompiledPolicy, input: SignInInput, compiled: CompiledPolicies): ConditionsResult {
  const checks: Array<[AnalysisReason, () => Tri, string]> = [
    ['devicePlatform', () => platformMatches(p, input.devicePlatform), `device platform (${input.devicePlatform ?? 'not given'})`],
    [
      'location',
      () => locationMatches(p, input, compiled),
      `location (${input.ipAddress ?? 'no IP'}${input.country ? `, ${input.country}` : ''})`,
    ],
    ['clientApps', () => setMatches(p.clientAppTypes, input.clientAppType), `client app type (${input.clientAppType ?? 'not given'})`],
    ['signInRisk', () => setMatches(p.signInRisk, input.signInRiskLevel), `sign-in risk (${input.signInRiskLevel ?? 'not given'})`],
    ['userRisk', () => setMatches(p.userRisk, input.userRiskLevel), `user risk (${input.userRiskLevel ?? 'not given'})`],
  ];
  let unknown: ConditionsResult | undefined;
  for (const [reason, test, what] of checks) {
    const r = test();
    if (r === false) return { applies: false, reason, explanation: `The ${what} condition is not met.` };
    if (r === undefined && !unknown)
      unknown = {
        applies: undefined,
        reason: 'notEnoughInformation',
        explanation: `Not enough information to evaluate the ${what} condition.`,
      };
  }
  return unknown ?? { applies: true, explanation: 'All conditions are met.' };
}

/** §1.4: `all` includes any platform, an unknown one too; a specific value never matches `unknown`. */
function platformMatches(p: CompiledPolicy, platform: string | undefined): Tri {
  if (!p.platforms) return true;
  if (platform === undefined) return undefined;
  const included = p.platforms.include.has('all') || p.platforms.include.has(platform);
  const excluded = p.platforms.exclude.has('all') || p.platforms.exclude.has(platform);
  return included && !excluded;
}

function setMatches(set: ReadonlySet<string> | null, value: string | undefined): Tri {
  if (!set) return true;
  if (value === undefined) return undefined;
  if (set.has(value)) return true;
  return value === 'exchangeActiveSync' && set.has('easSupported') ? true : false;
}

/** §1.4 (CA-NET): the client's public IP against named locations; AllTrusted = every trusted ipNamedLocation. */
function locationMatches(p: CompiledPolicy, input: SignInInput, compiled: CompiledPolicies): Tri {
  if (!p.locations) return true;
  const one = (id: string): Tri => {
    if (id === 'All') return true;
    if (id === 'AllTrusted') {
      if (!input.ipAddress) return undefined;
      for (const l of compiled.locations.values()) if (l.trusted && l.has(input.ipAddress)) return true;
      return false;
    }
    const l = compiled.locations.get(id.toLowerCase());
    if (!l) return false;
    if (l.kind === 'ip') return input.ipAddress ? l.has(input.ipAddress) : undefined;
    if (input.country === undefined) return undefined;
    return input.country === 'unknown' ? l.includeUnknownCountries : l.countries.has(input.country.toUpperCase());
  };
  const included = any(p.locations.include.map(one));
  const excluded = any(p.locations.exclude.map(one));
  if (included === false || excluded === true) return false;
  if (included === undefined || excluded === undefined) return undefined;
  return true;
}
