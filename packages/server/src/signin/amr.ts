import type { PerformedMethod } from './machine.ts';
import { modesOf } from './registration-interrupt.ts';
import { satisfies } from '../policy/strengths/satisfies.ts';
import { builtInStrength } from '../policy/strengths/builtins.ts';

/** Built-in authentication strength ids (entra-spec §2.1). */
export const STRENGTH = {
  mfa: '00000000-0000-0000-0000-000000000002',
  passwordlessMfa: '00000000-0000-0000-0000-000000000003',
  phishingResistantMfa: '00000000-0000-0000-0000-000000000004',
} as const;

/** `acr` when no built-in strength is satisfied (OIDC Core §2: "0" = no assurance to rely on). */
export const ACR_NONE = '0';

/** Every `acr` Latchkey issues (discovery's `acr_values_supported`), weakest first. */
export const ACR_VALUES = [ACR_NONE, STRENGTH.mfa, STRENGTH.passwordlessMfa, STRENGTH.phishingResistantMfa];

/**
 * The `amr` of a session (RFC 8176 §2): the union of what each performed method proved, plus
 * `mfa` when more than one factor is proven (a passkey with user verification is itself
 * multi-factor: possession + `user`/`pin`). Sorted, no duplicates.
 */
export function amrOf(performed: readonly PerformedMethod[]): string[] {
  const values = new Set(performed.flatMap((p) => p.amr));
  const factors = (values.has('hwk') || values.has('swk') ? 1 : 0) + (values.has('user') || values.has('pin') ? 1 : 0) + (values.has('pwd') ? 1 : 0) + (values.has('otp') ? 1 : 0);
  if (factors >= 2) values.add('mfa');
  return [...values].sort();
}

/**
 * The strongest built-in authentication strength the performed methods satisfy, as its id
 * (entra-spec §2.1): a passkey (`fido2`) satisfies phishing-resistant MFA (and so the weaker
 * two); a one-time Temporary Access Pass (`temporaryAccessPassOneTime`) satisfies MFA only;
 * password + OATH code satisfies MFA; a password alone satisfies none.
 */
export function acrOf(performed: readonly PerformedMethod[]): string {
  // Through the strengths' own `satisfies` (issue 4 item 4): the strongest built-in the performed modes complete.
  const modes = modesOf(performed);
  for (const id of [STRENGTH.phishingResistantMfa, STRENGTH.passwordlessMfa, STRENGTH.mfa]) if (satisfies(builtInStrength(id)!, modes).satisfied) return id;
  return ACR_NONE;
}

/** The amr of a verified passkey (RFC 8176): device-bound `hwk`, synced `swk`; `user` when UV was performed. */
export function passkeyAmr(passkeyType: 'synced' | 'deviceBound', userVerified: boolean): string[] {
  return [passkeyType === 'synced' ? 'swk' : 'hwk', ...(userVerified ? ['user'] : [])];
}
