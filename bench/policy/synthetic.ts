import type { ConditionalAccessPolicy } from '../../packages/server/src/policy/conditional-access/types.ts';
import { normalizePolicy } from '../../packages/server/src/policy/conditional-access/normalize.ts';
import type { AuthenticationStrength } from '../../packages/server/src/policy/strengths/types.ts';
import type { NamedLocation } from '../../packages/server/src/policy/locations/types.ts';
import type { DirectoryFacts, UserFacts } from '../../packages/server/src/policy/analysis/facts.ts';
import type { MethodConfiguration } from '../../packages/server/src/policy/authentication-methods/types.ts';

export interface Shape {
  users: number;
  groups: number;
  apps: number;
  policies: number;
}

/** Deterministic PRNG (mulberry32), so every run builds the same directory. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (prefix: number, n: number) => `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const GA = '62e90394-69f5-4237-9190-012177145e10';
const OTHER_ROLES = [
  '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
];
const AAGUIDS = [
  'cb69481e-8ff7-4039-93ec-0a2729a154a8',
  'de1e552d-db1d-4423-a619-566b625cdc84',
  'ee882879-721c-4913-9775-3dfcce97072a',
  '08987058-cadc-4b81-b6e1-30de50dcbe96',
  'fa2b99dc-9e39-4257-8f92-4a30d23c4118',
];

/**
 * A directory as the analysis loads it (`DirectoryFacts`) plus 1,000 policies: groups nested up
 * to 5 levels (each group below the top level has a parent one level up); each user in 1–4 groups;
 * 50 Global Administrators and 500 other admins; 60% with a password, 30% with passkeys, 10% OATH.
 */
export function synthesize(shape: Shape, seed = 42) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const groupIds = Array.from({ length: shape.groups }, (_, i) => uuid(0x67, i));
  const perLevel = Math.ceil(shape.groups / 5);
  const parentOf = groupIds.map((_, i) =>
    i < perLevel ? null : groupIds[(Math.floor(i / perLevel) - 1) * perLevel + Math.floor(r() * perLevel)]!,
  );
  const ancestors = new Map<string, string[]>();
  const ancestorsOf = (i: number): string[] => {
    const g = groupIds[i]!;
    const known = ancestors.get(g);
    if (known) return known;
    const p = parentOf[i];
    const list = [g, ...(p ? ancestorsOf(groupIds.indexOf(p)) : [])];
    ancestors.set(g, list);
    return list;
  };
  // Precompute ancestors in index order (parents come first, so recursion is shallow).
  groupIds.forEach((_, i) => ancestorsOf(i));
  const users: UserFacts[] = Array.from({ length: shape.users }, (_, i) => {
    const groups = new Set<string>();
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) for (const a of ancestors.get(groupIds[Math.floor(r() * shape.groups)]!)!) groups.add(a);
    const roleIds = i < 50 ? [GA] : i < 550 ? [pick(OTHER_ROLES)] : [];
    const x = r();
    return {
      id: uuid(0x75, i),
      userPrincipalName: `user${i}@bench.test`,
      displayName: `User ${i}`,
      groupIds: [...groups].sort(),
      roleIds,
      hasPassword: x < 0.6 || x > 0.9,
      passkeyAaguids: x >= 0.6 && x < 0.9 ? [pick(AAGUIDS)] : [],
      softwareOath: x > 0.9 && r() < 0.5,
      hardwareOath: x > 0.9 && r() >= 0.5,
    };
  });
  const applications = Array.from({ length: shape.apps }, (_, i) => ({ appId: uuid(0xa9, i), displayName: `App ${i}` }));
  const strengths: AuthenticationStrength[] = Array.from({ length: 10 }, (_, i) => ({
    '@odata.type': '#microsoft.graph.authenticationStrengthPolicy',
    id: uuid(0x57, i),
    createdDateTime: '2026-01-01T00:00:00Z',
    modifiedDateTime: '2026-01-01T00:00:00Z',
    displayName: `Custom ${i}`,
    description: null,
    policyType: 'custom',
    requirementsSatisfied: 'mfa',
    allowedCombinations: i % 2 ? ['fido2', 'temporaryAccessPassOneTime'] : ['fido2', 'password,softwareOath', 'password,hardwareOath'],
    combinationConfigurations:
      i === 3
        ? [
            {
              '@odata.type': '#microsoft.graph.fido2CombinationConfiguration',
              id: 'c',
              allowedAAGUIDs: AAGUIDS.slice(0, 2),
              appliesToCombinations: ['fido2'],
            },
          ]
        : [],
  }));
  const locations: NamedLocation[] = [
    {
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      id: uuid(0x10c, 1),
      displayName: 'HQ',
      createdDateTime: '',
      modifiedDateTime: '',
      isTrusted: true,
      ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
    },
  ];
  const builtIns = ['00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000004'];
  const policies: ConditionalAccessPolicy[] = Array.from({ length: shape.policies }, (_, i) => {
    const kind = i % 20;
    const groupsIn = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(groupIds));
    const apps = kind < 2 ? ['All'] : Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(applications).appId);
    const users =
      kind === 0
        ? { includeRoles: [GA], excludeGroups: [pick(groupIds)] }
        : kind === 1
          ? { includeGroups: groupsIn, excludeUsers: [users_(r, shape)] }
          : { includeGroups: groupsIn, excludeGroups: r() < 0.3 ? [pick(groupIds)] : [] };
    const grantControls =
      kind === 19
        ? { operator: 'OR', builtInControls: ['block'] }
        : kind % 3 === 0
          ? { operator: 'OR', builtInControls: ['mfa'] }
          : { operator: 'OR', authenticationStrength: { id: r() < 0.5 ? pick(builtIns) : pick(strengths).id } };
    return normalizePolicy(
      {
        displayName: `CA${String(i).padStart(4, '0')}`,
        state: i % 50 === 7 ? 'enabledForReportingButNotEnforced' : i % 50 === 8 ? 'disabled' : 'enabled',
        conditions: {
          users,
          applications: { includeApplications: apps },
          ...(kind === 19 ? { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } : {}),
          ...(kind === 5 ? { platforms: { includePlatforms: ['all'], excludePlatforms: ['windows', 'macOS'] } } : {}),
        },
        grantControls,
        ...(kind === 4 ? { sessionControls: { signInFrequency: { isEnabled: true, type: 'hours', value: 8 } } } : {}),
      },
      null,
      uuid(0xca, i),
      '2026-01-01T00:00:00Z',
    );
  });
  const all = { targetType: 'group', id: 'all_users', isRegistrationRequired: false };
  const methodConfigurations = [
    {
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration',
      id: 'Fido2',
      state: 'enabled',
      includeTargets: [{ ...all, allowedPasskeyProfiles: [] }],
      excludeTargets: [],
      isSelfServiceRegistrationAllowed: true,
      isAttestationEnforced: false,
      keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
      passkeyProfiles: [],
    },
    {
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
      id: 'TemporaryAccessPass',
      state: 'enabled',
      includeTargets: [{ targetType: 'group', id: groupIds[0], isRegistrationRequired: false }],
      excludeTargets: [],
      defaultLifetimeInMinutes: 60,
      defaultLength: 8,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: false,
    },
    {
      '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethodConfiguration',
      id: 'SoftwareOath',
      state: 'enabled',
      includeTargets: [all],
      excludeTargets: [],
    },
    {
      '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethodConfiguration',
      id: 'HardwareOath',
      state: 'enabled',
      includeTargets: [all],
      excludeTargets: [],
    },
    {
      '@odata.type': '#latchkey.passwordAuthenticationMethodConfiguration',
      id: 'Password',
      state: 'enabled',
      includeTargets: [all],
      excludeTargets: [],
    },
  ] as unknown as MethodConfiguration[];
  const facts: DirectoryFacts = { users, applications, methodConfigurations };
  return { facts, policies, strengths, locations };
}

function users_(r: () => number, shape: Shape): string {
  return uuid(0x75, Math.floor(r() * shape.users));
}
