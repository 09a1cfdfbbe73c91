import { canonicalJson } from '../../audit/chain.ts';
import type { ConfigurationPatch } from './schemas.ts';
import type {
  AuthenticationMethodTarget,
  ExcludeTarget,
  Fido2Configuration,
  MethodConfiguration,
  MicrosoftAuthenticatorConfiguration,
  MicrosoftAuthenticatorTarget,
  PasskeyAuthenticationMethodTarget,
  SmsTarget,
} from './types.ts';

/**
 * Applies a Graph PATCH to a stored configuration, purely. Graph semantics: properties in the
 * body replace the stored ones, properties left out keep their values; collections
 * (`includeTargets`, `passkeyProfiles`, …) are replaced whole. `keyRestrictions` is merged
 * property by property, so `{"keyRestrictions":{"isEnforced":true}}` keeps the AAGUID list.
 * OData annotations and the echoed `id` are dropped.
 */
export function applyPatch(current: MethodConfiguration, patch: ConfigurationPatch): MethodConfiguration {
  const {
    '@odata.type': _type,
    '@odata.context': _ctx,
    'includeTargets@odata.context': _i,
    'excludeTargets@odata.context': _e,
    id: _id,
    ...rest
  } = patch;
  const props = { ...rest } as Record<string, unknown>;
  delete props['passkeyProfiles@odata.context'];
  const next = structuredClone(current) as MethodConfiguration & Record<string, unknown>;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'includeTargets') next.includeTargets = normalizeIncludeTargets(current.id, value as AuthenticationMethodTarget[]) as never;
    else if (key === 'excludeTargets')
      next.excludeTargets = (value as ExcludeTarget[]).map((t) => ({ targetType: t.targetType, id: t.id }));
    else if (key === 'keyRestrictions' && current.id === 'Fido2')
      next.keyRestrictions = { ...current.keyRestrictions, ...(value as object) } as Fido2Configuration['keyRestrictions'];
    else if (key === 'featureSettings' && current.id === 'MicrosoftAuthenticator')
      next.featureSettings = { ...current.featureSettings, ...(value as object) } as MicrosoftAuthenticatorConfiguration['featureSettings'];
    else next[key] = value;
  }
  if (next.id === 'Fido2') moveGlobalsOnOptIn(current as Fido2Configuration, next, props);
  return next;
}

/**
 * entra-spec §4.2: "Opting in moves the global settings into the Default passkey profile." When a
 * PATCH first adds profiles, the global attestation and key restrictions stop being enforced
 * (they now live in the profiles the admin sent), unless the same PATCH sets them explicitly. The
 * passkey ceremonies apply global settings on top of profiles (the stricter reading), so this is
 * what keeps an opted-in policy meaning what its profiles say.
 */
function moveGlobalsOnOptIn(current: Fido2Configuration, next: Fido2Configuration, props: Record<string, unknown>): void {
  if (current.passkeyProfiles.length > 0 || next.passkeyProfiles.length === 0) return;
  if (props.isAttestationEnforced === undefined) next.isAttestationEnforced = false;
  if (props.keyRestrictions === undefined) next.keyRestrictions = { ...next.keyRestrictions, isEnforced: false };
}

type TargetInput = Pick<AuthenticationMethodTarget, 'id' | 'targetType'> &
  Partial<PasskeyAuthenticationMethodTarget & MicrosoftAuthenticatorTarget & SmsTarget>;

/** Fills each method's target properties with Graph's defaults, so stored targets are always complete. */
function normalizeIncludeTargets(methodId: MethodConfiguration['id'], targets: TargetInput[]): AuthenticationMethodTarget[] {
  return targets.map((t) => {
    const base = { targetType: t.targetType, id: t.id, isRegistrationRequired: t.isRegistrationRequired ?? false };
    if (methodId === 'Fido2') return { ...base, allowedPasskeyProfiles: [...new Set(t.allowedPasskeyProfiles ?? [])] };
    if (methodId === 'MicrosoftAuthenticator') return { ...base, authenticationMode: t.authenticationMode ?? 'any' };
    if (methodId === 'Sms') return { ...base, isUsableForSignIn: t.isUsableForSignIn ?? true };
    return base;
  });
}

/**
 * The Graph properties whose values differ between two configurations, as audit
 * `modifiedProperties` with JSON old/new values. Compared canonically (key order does not count).
 */
export function changedProperties(
  before: MethodConfiguration,
  after: MethodConfiguration,
): Array<{ displayName: string; oldValue: string | null; newValue: string | null }> {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out: Array<{ displayName: string; oldValue: string | null; newValue: string | null }> = [];
  for (const key of keys) {
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if ((a === undefined ? 'null' : canonicalJson(a)) === (b === undefined ? 'null' : canonicalJson(b))) continue;
    out.push({
      displayName: key,
      oldValue: a === undefined ? null : JSON.stringify(a),
      newValue: b === undefined ? null : JSON.stringify(b),
    });
  }
  return out;
}
