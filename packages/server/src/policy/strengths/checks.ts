import { badRequest } from '../../errors.ts';
import { validCombination } from './modes.ts';

/** One named validation rule (house style §6): returns a message when the input breaks it. */
export interface Check<T> {
  name: string;
  check(input: T): string | undefined;
}

export interface StrengthDraft {
  displayName: string;
  description?: string | null | undefined;
  allowedCombinations: readonly string[];
  combinationConfigurations?: ReadonlyArray<{
    '@odata.type'?: string;
    allowedAAGUIDs?: readonly string[];
    appliesToCombinations?: readonly string[];
  }>;
}

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every rule a custom strength must pass (entra-spec §2.1, §2.2, §2.4), in the order they are reported. */
export const STRENGTH_CHECKS: ReadonlyArray<Check<StrengthDraft>> = [
  { name: 'checkDisplayName', check: (s) => (s.displayName.trim() ? undefined : 'displayName must not be empty.') },
  {
    name: 'checkAtLeastOneCombination',
    check: (s) => (s.allowedCombinations.length ? undefined : 'allowedCombinations must name at least one combination.'),
  },
  {
    // §2.2: only the combinations `GET …/combinations` lists are valid.
    name: 'checkCombinationsValid',
    check: (s) => {
      const bad = s.allowedCombinations.filter((c) => !validCombination(c));
      return bad.length
        ? `Invalid authentication method combination(s): ${bad.join('; ')}. See GET /identity/conditionalAccess/authenticationStrength/combinations.`
        : undefined;
    },
  },
  {
    name: 'checkNoDuplicateCombinations',
    check: (s) => {
      const seen = new Set<string>();
      for (const c of s.allowedCombinations) {
        const v = validCombination(c) ?? c;
        if (seen.has(v)) return `Combination '${c}' is listed twice.`;
        seen.add(v);
      }
      return undefined;
    },
  },
  {
    // §2.4: fido2 configurations apply to exactly ["fido2"] with AAGUIDs.
    name: 'checkCombinationConfigurations',
    check: (s) => {
      for (const c of s.combinationConfigurations ?? []) {
        const msg = combinationConfigurationProblem(c, s.allowedCombinations);
        if (msg) return msg;
      }
      return undefined;
    },
  },
];

/** What is wrong with one combination configuration for a strength allowing `combinations`, if anything. */
export function combinationConfigurationProblem(
  c: { '@odata.type'?: string; allowedAAGUIDs?: readonly string[]; appliesToCombinations?: readonly string[] },
  combinations: readonly string[],
): string | undefined {
  if (c['@odata.type'] !== '#microsoft.graph.fido2CombinationConfiguration')
    return `Only #microsoft.graph.fido2CombinationConfiguration is supported (got '${c['@odata.type'] ?? '(none)'}').`;
  const applies = c.appliesToCombinations ?? [];
  if (applies.length !== 1 || applies[0] !== 'fido2') return 'appliesToCombinations must be exactly ["fido2"].';
  if (!combinations.some((x) => validCombination(x) === 'fido2'))
    return 'A fido2 combination configuration needs fido2 in allowedCombinations.';
  const aaguids = c.allowedAAGUIDs ?? [];
  if (!aaguids.length) return 'allowedAAGUIDs must list at least one AAGUID.';
  const bad = aaguids.filter((a) => !AAGUID.test(a));
  return bad.length ? `Invalid AAGUID(s): ${bad.join(', ')}.` : undefined;
}

/** Runs the table; throws 400 naming every broken rule. */
export function assertValidStrength(draft: StrengthDraft): void {
  const problems = STRENGTH_CHECKS.map((c) => c.check(draft)).filter((m): m is string => !!m);
  if (problems.length) throw badRequest(problems.join(' '), { checks: STRENGTH_CHECKS.filter((c) => c.check(draft)).map((c) => c.name) });
}
