import type { AuthenticationStrength, PerformedMode } from '../policy/strengths/types.ts';
import { satisfies } from '../policy/strengths/satisfies.ts';
import { ACR_NONE } from './amr.ts';

/**
 * The `acr` an app asked for (OpenID Connect Core §3.1.2.1 `acr_values`, §5.5.1.1 the `acr` claim
 * of the `claims` parameter), kept on the sign-in flow from its start (migration 0023).
 * `values` are alternatives in the app's order of preference; `essential` is true only for an
 * essential `acr` claim (`"essential": true` with `value` or `values`).
 */
export interface RequestedAcr {
  values: string[];
  essential: boolean;
}

/** At most this many values are kept, each at most this long (the rest of a longer request is ignored). */
const MAX_VALUES = 10;
const MAX_LENGTH = 128;

const cleanValues = (raw: unknown): string[] => {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const out: string[] = [];
  for (const v of list) if (typeof v === 'string' && v.length > 0 && v.length <= MAX_LENGTH && !out.includes(v)) out.push(v);
  return out.slice(0, MAX_VALUES);
};

/**
 * What the authorization request asked for, from its parameters as oidc-provider keeps them on the
 * interaction (`acr_values` a space-separated string, `claims` a JSON string, both already
 * validated by the provider). The `claims` parameter's `id_token.acr` wins when it names values
 * (it is the only way to ask for an essential `acr`); otherwise `acr_values` (always voluntary).
 * Undefined when nothing usable was asked.
 */
export function requestedAcrOf(params: Record<string, unknown>): RequestedAcr | undefined {
  let claim: { essential?: unknown; value?: unknown; values?: unknown } | undefined;
  if (typeof params.claims === 'string' || (params.claims && typeof params.claims === 'object')) {
    try {
      const parsed = (typeof params.claims === 'string' ? JSON.parse(params.claims) : params.claims) as {
        id_token?: { acr?: unknown };
      } | null;
      const acr = parsed?.id_token?.acr;
      if (acr && typeof acr === 'object') claim = acr as typeof claim;
    } catch {
      claim = undefined; // oidc-provider refuses a malformed `claims` before any interaction exists
    }
  }
  const fromClaim = claim ? cleanValues(claim.values ?? claim.value) : [];
  if (fromClaim.length) return { values: fromClaim, essential: claim?.essential === true };
  const fromParam = typeof params.acr_values === 'string' ? cleanValues(params.acr_values.split(' ')) : [];
  return fromParam.length ? { values: fromParam, essential: false } : undefined;
}

/**
 * Whether the performed methods meet one requested value: `0` (OIDC Core §2: no particular
 * assurance) always; the id of an authentication strength (built-in or custom, case-insensitive)
 * when the methods satisfy it; any other value never (Latchkey cannot say it met something it
 * does not know).
 */
export function meetsValue(
  value: string,
  performed: readonly PerformedMode[],
  strengths: ReadonlyMap<string, AuthenticationStrength>,
): boolean {
  if (value === ACR_NONE) return true;
  const strength = strengths.get(value.toLowerCase());
  return strength ? satisfies(strength, performed).satisfied : false;
}

/** The first requested value (the app's preference) the methods meet, spelled as the app asked; undefined when none. */
export function metRequestedValue(
  requested: RequestedAcr | null | undefined,
  performed: readonly PerformedMode[],
  strengths: ReadonlyMap<string, AuthenticationStrength>,
): string | undefined {
  return requested?.values.find((v) => meetsValue(v, performed, strengths));
}

/** The requested values in plain words, for the person ("Phishing-resistant MFA or MFA"). */
export function requestedText(requested: RequestedAcr, strengths: ReadonlyMap<string, AuthenticationStrength>): string {
  return requested.values
    .map((v) => strengths.get(v.toLowerCase())?.displayName ?? (v === ACR_NONE ? 'any sign-in' : `"${v}"`))
    .join(' or ');
}
