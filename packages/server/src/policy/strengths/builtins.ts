import { BUILT_IN_STRENGTH, MFA_COMBINATIONS } from './modes.ts';
import type { AuthenticationStrength } from './types.ts';

const EPOCH = '2021-12-01T00:00:00Z';

const builtIn = (id: string, displayName: string, description: string, allowedCombinations: string[]): AuthenticationStrength => ({
  '@odata.type': '#microsoft.graph.authenticationStrengthPolicy',
  id,
  createdDateTime: EPOCH,
  modifiedDateTime: EPOCH,
  displayName,
  description,
  policyType: 'builtIn',
  requirementsSatisfied: 'mfa',
  allowedCombinations,
  combinationConfigurations: [],
});

/**
 * The three built-in strengths with their fixed ids and exact `allowedCombinations` (entra-spec
 * §2.3). The MFA strength includes the newer `password,x509Certificate…` pairs (§2.3 ⚠, ADR 0008).
 * TAP is in the MFA strength only: it is neither passwordless nor phishing-resistant.
 */
export const BUILT_IN_STRENGTHS: readonly AuthenticationStrength[] = [
  builtIn(
    BUILT_IN_STRENGTH.mfa,
    'Multifactor authentication',
    'Combinations of methods that satisfy strong authentication, such as a password + SMS',
    [...MFA_COMBINATIONS],
  ),
  builtIn(
    BUILT_IN_STRENGTH.passwordlessMfa,
    'Passwordless MFA',
    'Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator',
    ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush'],
  ),
  builtIn(
    BUILT_IN_STRENGTH.phishingResistantMfa,
    'Phishing-resistant MFA',
    'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
    ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
  ),
];

const byId = new Map(BUILT_IN_STRENGTHS.map((s) => [s.id, s]));

/** The built-in strength with this id, or undefined. */
export function builtInStrength(id: string): AuthenticationStrength | undefined {
  return byId.get(id.toLowerCase());
}
