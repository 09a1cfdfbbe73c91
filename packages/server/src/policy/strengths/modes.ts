/**
 * Authentication method modes and strengths as data (entra-spec §2.2, §2.3). A combination is a
 * comma-joined list of modes; a strength is satisfied when every mode of one of its allowed
 * combinations was performed.
 */
export const METHOD_MODES = [
  'password',
  'voice',
  'hardwareOath',
  'softwareOath',
  'sms',
  'fido2',
  'windowsHelloForBusiness',
  'microsoftAuthenticatorPush',
  'deviceBasedPush',
  'temporaryAccessPassOneTime',
  'temporaryAccessPassMultiUse',
  'email',
  'x509CertificateSingleFactor',
  'x509CertificateMultiFactor',
  'federatedSingleFactor',
  'federatedMultiFactor',
] as const;
export type MethodMode = (typeof METHOD_MODES)[number];

/** The combinations that satisfy MFA: exactly the built-in MFA strength's `allowedCombinations` (§2.3). */
export const MFA_COMBINATIONS: readonly string[] = [
  'windowsHelloForBusiness',
  'fido2',
  'x509CertificateMultiFactor',
  'deviceBasedPush',
  'temporaryAccessPassOneTime',
  'temporaryAccessPassMultiUse',
  'password,microsoftAuthenticatorPush',
  'password,softwareOath',
  'password,hardwareOath',
  'password,x509CertificateSingleFactor',
  'password,x509CertificateMultiFactor',
  'password,sms',
  'password,voice',
  'federatedMultiFactor',
  'microsoftAuthenticatorPush,federatedSingleFactor',
  'softwareOath,federatedSingleFactor',
  'hardwareOath,federatedSingleFactor',
  'sms,federatedSingleFactor',
  'voice,federatedSingleFactor',
];

/** The single-factor entries of the valid combinations (§2.2). */
const SINGLE_FACTOR_COMBINATIONS: readonly string[] = [
  'x509CertificateSingleFactor',
  'sms',
  'password',
  'federatedSingleFactor',
  'email',
];

/**
 * `GET …/authenticationStrength/combinations` (entra-spec §2.2), plus the two newer
 * `password,x509Certificate…` entries the built-in MFA strength carries (§2.3 ⚠; ADR 0008: we
 * accept them, since Entra exports made today contain them).
 */
export const VALID_COMBINATIONS: readonly string[] = [...MFA_COMBINATIONS, ...SINGLE_FACTOR_COMBINATIONS];

/** Single-factor combinations: valid in a custom strength, but it then satisfies no MFA (§2.2). */
export const SINGLE_FACTOR: ReadonlySet<string> = new Set(SINGLE_FACTOR_COMBINATIONS);

/** The comma-joined form in a canonical order (Entra's mode order), so `softwareOath,password` = `password,softwareOath`. */
export function canonicalCombination(text: string): string {
  const modes = text.split(',').map((m) => m.trim());
  return modes.sort((a, b) => order(a) - order(b)).join(',');
}
const order = (m: string): number => {
  const i = (METHOD_MODES as readonly string[]).indexOf(m);
  return i < 0 ? 1_000 : i;
};
const VALID_CANONICAL = new Map(VALID_COMBINATIONS.map((c) => [canonicalCombination(c), c]));

/** The valid combination `text` names (in Entra's spelling), or undefined. */
export function validCombination(text: string): string | undefined {
  return VALID_CANONICAL.get(canonicalCombination(text));
}

/** Built-in strength ids (§2.3), fixed across tenants. */
export const BUILT_IN_STRENGTH = {
  mfa: '00000000-0000-0000-0000-000000000002',
  passwordlessMfa: '00000000-0000-0000-0000-000000000003',
  phishingResistantMfa: '00000000-0000-0000-0000-000000000004',
} as const;

/** Latchkey's methods as the modes they prove (issue 4 item 2). */
export const LATCHKEY_METHOD_MODES = {
  passkey: ['fido2'],
  temporaryAccessPass: ['temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse'],
  password: ['password'],
  softwareOath: ['softwareOath'],
  hardwareOath: ['hardwareOath'],
  phoneApproval: ['deviceBasedPush'],
} as const satisfies Record<string, readonly MethodMode[]>;
