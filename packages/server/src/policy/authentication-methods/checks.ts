import {
  ALL_USERS,
  DEFAULT_PASSKEY_PROFILE_ID,
  MAX_PASSKEY_PROFILES,
  type Fido2Configuration,
  type MethodConfiguration,
  type TemporaryAccessPassConfiguration,
} from './types.ts';

/**
 * The rules a configuration must satisfy after a PATCH is applied, as a table of small named
 * checks (house style §6), so a reader sees every rule at once. Each check sees the merged
 * configuration and the one stored before, and returns a message for the admin or undefined.
 * Shape and ranges are zod's job (`schemas.ts`); target existence and the 20 KB cap need the
 * database and the whole policy, and live in `update.ts`.
 */
export interface ConfigurationCheck {
  name: string;
  run(next: MethodConfiguration, previous: MethodConfiguration): string | undefined;
}

const fido2 = (c: MethodConfiguration): Fido2Configuration | undefined => (c.id === 'Fido2' ? c : undefined);
const tap = (c: MethodConfiguration): TemporaryAccessPassConfiguration | undefined => (c.id === 'TemporaryAccessPass' ? c : undefined);

function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    const key = v.toLowerCase();
    if (seen.has(key)) return v;
    seen.add(key);
  }
  return undefined;
}

export const CONFIGURATION_CHECKS: readonly ConfigurationCheck[] = [
  {
    // Graph writes all users as the group `all_users` (entra-spec §7.7).
    name: 'allUsersIsAGroup',
    run: (c) =>
      [...c.includeTargets, ...c.excludeTargets].some((t) => t.id === ALL_USERS && t.targetType !== 'group')
        ? `The target '${ALL_USERS}' must have targetType 'group'.`
        : undefined,
  },
  {
    // Safer reading: excluding everyone is a disguised "disabled" that hides intent; say it plainly.
    name: 'allUsersNotExcluded',
    run: (c) =>
      c.excludeTargets.some((t) => t.id === ALL_USERS)
        ? `'${ALL_USERS}' cannot be excluded; set state to 'disabled' to turn the method off for everyone.`
        : undefined,
  },
  {
    name: 'uniqueIncludeTargets',
    run: (c) => {
      const dup = firstDuplicate(c.includeTargets.map((t) => t.id));
      return dup ? `includeTargets names '${dup}' more than once.` : undefined;
    },
  },
  {
    name: 'uniqueExcludeTargets',
    run: (c) => {
      const dup = firstDuplicate(c.excludeTargets.map((t) => t.id));
      return dup ? `excludeTargets names '${dup}' more than once.` : undefined;
    },
  },
  {
    // Safer reading of entra-spec §4.3: an enforced allow list naming no AAGUID refuses every passkey,
    // registration and sign-in alike — a lockout in disguise. Turn the method off instead.
    name: 'allowListNotEmpty',
    run: (c) => {
      const f = fido2(c);
      if (!f) return undefined;
      if (f.keyRestrictions.isEnforced && f.keyRestrictions.enforcementType === 'allow' && f.keyRestrictions.aaGuids.length === 0) {
        return "keyRestrictions: an enforced 'allow' list with no aaGuids would refuse every passkey; add AAGUIDs or set isEnforced to false.";
      }
      const p = f.passkeyProfiles.find(
        (x) => x.keyRestrictions.isEnforced && x.keyRestrictions.enforcementType === 'allow' && x.keyRestrictions.aaGuids.length === 0,
      );
      return p
        ? `Passkey profile '${p.name}': an enforced 'allow' list with no aaGuids would refuse every passkey; add AAGUIDs or set isEnforced to false.`
        : undefined;
    },
  },
  {
    name: 'uniqueAaGuids',
    run: (c) => {
      const f = fido2(c);
      if (!f) return undefined;
      for (const kr of [f.keyRestrictions, ...f.passkeyProfiles.map((p) => p.keyRestrictions)]) {
        const dup = firstDuplicate(kr.aaGuids);
        if (dup) return `keyRestrictions.aaGuids names '${dup}' more than once.`;
      }
      return undefined;
    },
  },
  {
    // entra-spec §3.1: default lifetime lies between the minimum and the maximum.
    name: 'tapLifetimesOrdered',
    run: (c) => {
      const t = tap(c);
      if (!t) return undefined;
      const { minimumLifetimeInMinutes: min, maximumLifetimeInMinutes: max, defaultLifetimeInMinutes: def } = t;
      if (min > max) return `minimumLifetimeInMinutes (${min}) must not exceed maximumLifetimeInMinutes (${max}).`;
      if (def < min || def > max)
        return `defaultLifetimeInMinutes (${def}) must be between minimumLifetimeInMinutes (${min}) and maximumLifetimeInMinutes (${max}).`;
      return undefined;
    },
  },
  {
    // entra-spec §4.2: at most 3 profiles, the Default included.
    name: 'passkeyProfileCount',
    run: (c) => {
      const f = fido2(c);
      return f && f.passkeyProfiles.length > MAX_PASSKEY_PROFILES
        ? `At most ${MAX_PASSKEY_PROFILES} passkey profiles are allowed, the Default included (got ${f.passkeyProfiles.length}).`
        : undefined;
    },
  },
  {
    name: 'uniquePasskeyProfiles',
    run: (c) => {
      const f = fido2(c);
      if (!f) return undefined;
      const dupId = firstDuplicate(f.passkeyProfiles.map((p) => p.id));
      if (dupId) return `Passkey profile id '${dupId}' is used more than once.`;
      const dupName = firstDuplicate(f.passkeyProfiles.map((p) => p.name));
      return dupName ? `Passkey profile name '${dupName}' is used more than once.` : undefined;
    },
  },
  {
    // entra-spec §4.2: opting in creates the Default profile; "at most 3 … including the Default".
    name: 'defaultPasskeyProfilePresent',
    run: (c) => {
      const f = fido2(c);
      return f && f.passkeyProfiles.length > 0 && !f.passkeyProfiles.some((p) => p.id === DEFAULT_PASSKEY_PROFILE_ID)
        ? `passkeyProfiles must include the Default passkey profile (id ${DEFAULT_PASSKEY_PROFILE_ID}); send [] to stop using profiles.`
        : undefined;
    },
  },
  {
    // entra-spec §4.2: synced passkeys can't be attested; with attestation enforced only device-bound are allowed.
    name: 'syncedNotAttested',
    run: (c) => {
      const p = fido2(c)?.passkeyProfiles.find((x) => x.passkeyTypes.includes('synced') && x.attestationEnforcement !== 'disabled');
      return p
        ? `Passkey profile '${p.name}' allows synced passkeys, which cannot be attested; set attestationEnforcement to 'disabled' or passkeyTypes to 'deviceBound'.`
        : undefined;
    },
  },
  {
    // The ceremonies apply global attestation on top of profiles (stricter reading), so a profile
    // allowing synced passkeys (which cannot be attested, §4.2) would be dead with it on.
    name: 'syncedProfileNeedsGlobalAttestationOff',
    run: (c) => {
      const f = fido2(c);
      const p = f?.isAttestationEnforced ? f.passkeyProfiles.find((x) => x.passkeyTypes.includes('synced')) : undefined;
      return p
        ? `Passkey profile '${p.name}' allows synced passkeys, but the global isAttestationEnforced is true and applies on top of profiles; set it to false (attestation is then per profile).`
        : undefined;
    },
  },
  {
    // entra-spec §4.2: a profile can be deleted only if no target references it.
    name: 'passkeyProfileReferences',
    run: (c, previous) => {
      const f = fido2(c);
      if (!f) return undefined;
      const ids = new Set(f.passkeyProfiles.map((p) => p.id));
      const before = fido2(previous)?.passkeyProfiles ?? [];
      for (const t of f.includeTargets) {
        for (const ref of t.allowedPasskeyProfiles) {
          if (ids.has(ref)) continue;
          const deleted = before.find((p) => p.id === ref);
          return deleted
            ? `Passkey profile '${deleted.name}' (${ref}) is referenced by include target '${t.id}' and cannot be deleted; remove it from that target's allowedPasskeyProfiles first.`
            : `Include target '${t.id}' references passkey profile '${ref}', which does not exist.`;
        }
      }
      return undefined;
    },
  },
];

/** Runs every check; returns the messages of those that fail (empty: the configuration is valid). */
export function checkConfiguration(next: MethodConfiguration, previous: MethodConfiguration): string[] {
  const failures: string[] = [];
  for (const check of CONFIGURATION_CHECKS) {
    const message = check.run(next, previous);
    if (message) failures.push(message);
  }
  return failures;
}
