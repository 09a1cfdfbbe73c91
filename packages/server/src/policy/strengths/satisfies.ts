import type { AuthenticationStrength, PerformedMode } from './types.ts';

/** Why a strength is or is not satisfied: the combination that matched, or what is missing. */
export interface StrengthResult {
  satisfied: boolean;
  /** The allowed combination the performed methods complete. */
  combination?: string;
  /** A fido2 was performed, but with an authenticator the strength's AAGUID list does not allow. */
  aaGuidRejected?: boolean;
}

/**
 * Pure: do the performed methods satisfy the strength? (entra-spec §2.5) Every mode of one
 * allowed combination must have been performed; methods performed earlier in the session count.
 * A `fido2CombinationConfiguration` restricts `fido2` to the listed AAGUIDs (§2.4): a passkey from
 * another authenticator does not count toward that strength.
 */
export function satisfies(
  strength: Pick<AuthenticationStrength, 'allowedCombinations' | 'combinationConfigurations'>,
  performed: readonly PerformedMode[],
): StrengthResult {
  const allowedAaguids = fido2Restriction(strength);
  const modes = new Set<string>();
  let aaGuidRejected = false;
  for (const p of performed) {
    if (p.mode === 'fido2' && allowedAaguids && !(p.aaGuid && allowedAaguids.has(p.aaGuid.toLowerCase()))) {
      aaGuidRejected = true;
      continue;
    }
    modes.add(p.mode);
  }
  for (const combination of strength.allowedCombinations) {
    if (combination.split(',').every((m) => modes.has(m.trim()))) return { satisfied: true, combination };
  }
  return aaGuidRejected ? { satisfied: false, aaGuidRejected } : { satisfied: false };
}

/** The AAGUIDs a strength allows for fido2, or null when any authenticator will do. */
export function fido2Restriction(strength: Pick<AuthenticationStrength, 'combinationConfigurations'>): ReadonlySet<string> | null {
  const configs = strength.combinationConfigurations.filter((c) => c.appliesToCombinations.includes('fido2'));
  if (!configs.length) return null;
  return new Set(configs.flatMap((c) => c.allowedAAGUIDs.map((a) => a.toLowerCase())));
}
