import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../../src/policy/conditional-access/compile.ts';
import { evaluate, type SignInInput } from '../../../src/policy/conditional-access/evaluate.ts';
import { platformFromUserAgent } from '../../../src/policy/conditional-access/platform.ts';
import type { ConditionalAccessPolicy } from '../../../src/policy/conditional-access/types.ts';
import type { NamedLocation } from '../../../src/policy/locations/types.ts';
import type { AuthenticationStrength } from '../../../src/policy/strengths/types.ts';
import { GA, MFA, PHISHING, policy } from './helpers.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const GROUP = '22222222-2222-4222-8222-222222222222';
const PARENT = '33333333-3333-4333-8333-333333333333';
const APP = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const OTHER_APP = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const OFFICE: NamedLocation = {
  '@odata.type': '#microsoft.graph.ipNamedLocation',
  id: '44444444-4444-4444-8444-444444444444',
  displayName: 'Office',
  createdDateTime: '',
  modifiedDateTime: '',
  isTrusted: true,
  ipRanges: [
    { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' },
    { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8::/48' },
  ],
};
const COUNTRY: NamedLocation = {
  '@odata.type': '#microsoft.graph.countryNamedLocation',
  id: '55555555-5555-4555-8555-555555555555',
  displayName: 'Blocked countries',
  createdDateTime: '',
  modifiedDateTime: '',
  countriesAndRegions: ['KP'],
  includeUnknownCountriesAndRegions: false,
  countryLookupMethod: 'clientIpAddress',
};
const YUBI = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const KEYS_ONLY: AuthenticationStrength = {
  '@odata.type': '#microsoft.graph.authenticationStrengthPolicy',
  id: '66666666-6666-4666-8666-666666666666',
  createdDateTime: '',
  modifiedDateTime: '',
  displayName: 'Yubikeys only',
  description: null,
  policyType: 'custom',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['fido2'],
  combinationConfigurations: [
    { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', id: 'c1', allowedAAGUIDs: [YUBI], appliesToCombinations: ['fido2'] },
  ],
};
const BOOTSTRAP: AuthenticationStrength = {
  ...KEYS_ONLY,
  id: '77777777-7777-4777-8777-777777777777',
  displayName: 'Bootstrap',
  allowedCombinations: ['temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse', 'fido2'],
  combinationConfigurations: [],
};
const OATH_ONLY: AuthenticationStrength = {
  ...BOOTSTRAP,
  id: '88888888-8888-4888-8888-888888888888',
  displayName: 'OATH',
  allowedCombinations: ['password,hardwareOath'],
};

const NOW = Date.parse('2026-06-01T12:00:00Z');
const pw = { mode: 'password', at: '2026-06-01T11:59:00Z' };
const key = { mode: 'fido2', aaGuid: YUBI, at: '2026-06-01T11:59:00Z' };
const otherKey = { mode: 'fido2', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', at: '2026-06-01T11:59:00Z' };
const tap = { mode: 'temporaryAccessPassOneTime', at: '2026-06-01T11:59:00Z' };

function input(over: Partial<SignInInput> = {}): SignInInput {
  return {
    userId: USER,
    groupIds: [GROUP, PARENT],
    roleIds: [],
    target: { kind: 'application', appId: APP },
    ipAddress: '203.0.113.9',
    devicePlatform: 'windows',
    clientAppType: 'browser',
    signInRiskLevel: 'none',
    userRiskLevel: 'none',
    country: 'unknown',
    performed: [pw],
    now: NOW,
    ...over,
  };
}
const run = (policies: ConditionalAccessPolicy[], over: Partial<SignInInput> = {}, mode: 'whatIf' | 'analysis' = 'whatIf') =>
  evaluate(input(over), compilePolicies(policies, [KEYS_ONLY, BOOTSTRAP, OATH_ONLY], [OFFICE, COUNTRY]), {
    unknown: mode,
    includeAll: true,
  });
const strength = (id: string) => ({ operator: 'OR', authenticationStrength: { id } });
const needsPhishing = (users: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  policy({ conditions: { users: { includeUsers: ['All'], ...users }, ...extra } as never, grantControls: strength(PHISHING) });

describe('Conditional Access evaluation (entra-spec §1)', () => {
  const table: Array<[string, ConditionalAccessPolicy[], Partial<SignInInput>, string]> = [
    ['no policy: allow', [], {}, 'allow'],
    ['policy for All users needing phishing-resistant; password only → needs', [needsPhishing()], {}, 'needs'],
    ['…with a passkey → allow', [needsPhishing()], { performed: [pw, key] }, 'allow'],
    ['user excluded directly: exclude wins', [needsPhishing({ excludeUsers: [USER] })], {}, 'allow'],
    [
      'user included directly and excluded via group: exclude wins',
      [needsPhishing({ includeUsers: [USER], excludeGroups: [GROUP] })],
      {},
      'allow',
    ],
    ['group included through nesting (transitive groups)', [needsPhishing({ includeUsers: [], includeGroups: [PARENT] })], {}, 'needs'],
    [
      'group not held → not applied',
      [needsPhishing({ includeUsers: [], includeGroups: ['99999999-9999-4999-8999-999999999999'] })],
      {},
      'allow',
    ],
    ['role included: Global Administrator', [needsPhishing({ includeUsers: [], includeRoles: [GA] })], { roleIds: [GA] }, 'needs'],
    ['role included but not held', [needsPhishing({ includeUsers: [], includeRoles: [GA] })], {}, 'allow'],
    ['role excluded', [needsPhishing({ excludeRoles: [GA] })], { roleIds: [GA] }, 'allow'],
    ['includeUsers None', [needsPhishing({ includeUsers: ['None'] })], {}, 'allow'],
    ['GuestsOrExternalUsers does not include a member', [needsPhishing({ includeUsers: ['GuestsOrExternalUsers'] })], {}, 'allow'],
    [
      'block wins over a satisfied grant',
      [needsPhishing(), policy({ grantControls: { operator: 'OR', builtInControls: ['block'] } })],
      { performed: [key] },
      'block',
    ],
    ['disabled policy is ignored', [policy({ state: 'disabled', grantControls: { builtInControls: ['block'] } })], {}, 'allow'],
    [
      'report-only block is recorded, never enforced',
      [policy({ state: 'enabledForReportingButNotEnforced', grantControls: { builtInControls: ['block'] } })],
      {},
      'allow',
    ],
    [
      'app-specific policy for another app → not applied',
      [policy({ conditions: { applications: { includeApplications: [OTHER_APP] } }, grantControls: { builtInControls: ['block'] } })],
      {},
      'allow',
    ],
    [
      'app-specific policy for this app applies',
      [policy({ conditions: { applications: { includeApplications: [APP] } }, grantControls: { builtInControls: ['block'] } })],
      {},
      'block',
    ],
    [
      'All apps with this app excluded',
      [
        policy({
          conditions: { applications: { includeApplications: ['All'], excludeApplications: [APP] } },
          grantControls: { builtInControls: ['block'] },
        }),
      ],
      {},
      'allow',
    ],
    [
      'AND: mfa and compliant device, no compliance → needs',
      [policy({ grantControls: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] } })],
      { performed: [key] },
      'needs',
    ],
    [
      'OR: mfa or compliant device, passkey → allow',
      [policy({ grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } })],
      { performed: [key] },
      'allow',
    ],
    [
      'OR: compliant device alone satisfies',
      [policy({ grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } })],
      { deviceIsCompliant: true },
      'allow',
    ],
    [
      'two strengths both required: passkey alone is not enough',
      [needsPhishing(), policy({ grantControls: strength(OATH_ONLY.id) })],
      { performed: [key] },
      'needs',
    ],
    [
      'two strengths both required: passkey + password + OATH → allow',
      [needsPhishing(), policy({ grantControls: strength(OATH_ONLY.id) })],
      { performed: [pw, key, { mode: 'hardwareOath' }] },
      'allow',
    ],
    ['AAGUID-restricted strength: listed key → allow', [policy({ grantControls: strength(KEYS_ONLY.id) })], { performed: [key] }, 'allow'],
    [
      'AAGUID-restricted strength: other key → needs',
      [policy({ grantControls: strength(KEYS_ONLY.id) })],
      { performed: [otherKey] },
      'needs',
    ],
    [
      'platform include windows, signing in from windows',
      [policy({ conditions: { platforms: { includePlatforms: ['windows'] } } as never, grantControls: { builtInControls: ['block'] } })],
      {},
      'block',
    ],
    [
      'platform include android, signing in from windows',
      [policy({ conditions: { platforms: { includePlatforms: ['android'] } } as never, grantControls: { builtInControls: ['block'] } })],
      {},
      'allow',
    ],
    [
      'block unsupported platforms: all minus windows/macOS, unknown UA → block',
      [
        policy({
          conditions: { platforms: { includePlatforms: ['all'], excludePlatforms: ['windows', 'macOS'] } } as never,
          grantControls: { builtInControls: ['block'] },
        }),
      ],
      { devicePlatform: 'unknown' },
      'block',
    ],
    [
      'block unsupported platforms: windows passes',
      [
        policy({
          conditions: { platforms: { includePlatforms: ['all'], excludePlatforms: ['windows', 'macOS'] } } as never,
          grantControls: { builtInControls: ['block'] },
        }),
      ],
      {},
      'allow',
    ],
    [
      'include a specific platform never matches an unknown UA',
      [policy({ conditions: { platforms: { includePlatforms: ['linux'] } } as never, grantControls: { builtInControls: ['block'] } })],
      { devicePlatform: 'unknown' },
      'allow',
    ],
    [
      'location: All minus AllTrusted, from outside → applies',
      [
        policy({
          conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } as never,
          grantControls: { builtInControls: ['block'] },
        }),
      ],
      {},
      'block',
    ],
    [
      'location: All minus AllTrusted, from the office (v4) → not applied',
      [
        policy({
          conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } as never,
          grantControls: { builtInControls: ['block'] },
        }),
      ],
      { ipAddress: '198.51.100.20' },
      'allow',
    ],
    [
      'location: the office by id, IPv6 inside',
      [policy({ conditions: { locations: { includeLocations: [OFFICE.id] } } as never, grantControls: { builtInControls: ['block'] } })],
      { ipAddress: '2001:db8:0:1::5' },
      'block',
    ],
    [
      'location: IPv4-mapped IPv6 counts as IPv4',
      [policy({ conditions: { locations: { includeLocations: [OFFICE.id] } } as never, grantControls: { builtInControls: ['block'] } })],
      { ipAddress: '::ffff:198.51.100.7' },
      'block',
    ],
    [
      'country location with an unknown country and includeUnknown false → not applied',
      [policy({ conditions: { locations: { includeLocations: [COUNTRY.id] } } as never, grantControls: { builtInControls: ['block'] } })],
      {},
      'allow',
    ],
    [
      'country location with the country given → applies',
      [policy({ conditions: { locations: { includeLocations: [COUNTRY.id] } } as never, grantControls: { builtInControls: ['block'] } })],
      { country: 'KP' },
      'block',
    ],
    [
      'client app types: exchangeActiveSync policy, browser sign-in',
      [policy({ conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] } as never, grantControls: { builtInControls: ['block'] } })],
      {},
      'allow',
    ],
    [
      'sign-in risk high policy, risk none',
      [policy({ conditions: { signInRiskLevels: ['high'] } as never, grantControls: { builtInControls: ['block'] } })],
      {},
      'allow',
    ],
    [
      'sign-in risk high policy, risk high',
      [policy({ conditions: { signInRiskLevels: ['high'] } as never, grantControls: { builtInControls: ['block'] } })],
      { signInRiskLevel: 'high' },
      'block',
    ],
    [
      'sign-in frequency 1 hour, passkey 2 hours ago → needs (reauthenticate)',
      [policy({ grantControls: strength(PHISHING), sessionControls: { signInFrequency: { isEnabled: true, type: 'hours', value: 1 } } })],
      { performed: [{ ...key, at: '2026-06-01T10:00:00Z' }] },
      'needs',
    ],
    [
      'sign-in frequency 1 hour, passkey 30 minutes ago → allow',
      [policy({ grantControls: strength(PHISHING), sessionControls: { signInFrequency: { isEnabled: true, type: 'hours', value: 1 } } })],
      { performed: [{ ...key, at: '2026-06-01T11:30:00Z' }] },
      'allow',
    ],
    [
      'sign-in frequency everyTime: within 5 minutes of skew → allow',
      [policy({ grantControls: strength(MFA), sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime' } } })],
      { performed: [{ ...tap, at: '2026-06-01T11:56:00Z' }] },
      'allow',
    ],
    [
      'sign-in frequency everyTime: 6 minutes ago → needs',
      [policy({ grantControls: strength(MFA), sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime' } } })],
      { performed: [{ ...tap, at: '2026-06-01T11:54:00Z' }] },
      'needs',
    ],
    [
      'unsupported control (terms of use) cannot be satisfied',
      [policy({ grantControls: { termsOfUse: ['t1'] } })],
      { performed: [key] },
      'needs',
    ],
  ];
  it.each(table)('%s', (_name, policies, over, expected) => {
    expect(run(policies, over).decision.decision).toBe(expected);
  });

  it('per-policy results: success, failure, notApplied, notEnabled and the report-only family', () => {
    const ps = [
      needsPhishing(),
      policy({ state: 'disabled', grantControls: { builtInControls: ['block'] } }),
      policy({ state: 'enabledForReportingButNotEnforced', grantControls: { builtInControls: ['block'] } }),
      policy({ state: 'enabledForReportingButNotEnforced', grantControls: strength(PHISHING) }),
      policy({ state: 'enabledForReportingButNotEnforced', grantControls: strength(MFA) }),
      policy({ state: 'enabledForReportingButNotEnforced', grantControls: { builtInControls: ['compliantDevice'] } }),
      policy({
        state: 'enabledForReportingButNotEnforced',
        conditions: { users: { includeUsers: ['None'] } } as never,
        grantControls: strength(MFA),
      }),
      policy({ conditions: { applications: { includeApplications: [OTHER_APP] } }, grantControls: strength(MFA) }),
    ];
    const r = run(ps, { performed: [tap] });
    expect(r.policies.map((p) => p.result)).toEqual([
      'failure',
      'notEnabled',
      'reportOnlyFailure',
      'reportOnlyInterrupted',
      'reportOnlySuccess',
      'reportOnlyFailure',
      'reportOnlyNotApplied',
      'notApplied',
    ]);
    expect(r.decision).toMatchObject({
      decision: 'needs',
      needs: [{ policyId: ps[0]!.id, anyOf: [[{ kind: 'authenticationStrength', id: PHISHING }]] }],
    });
    expect(r.policies[0]!.reasons.join(' ')).toContain('Phishing-resistant MFA');
    expect(r.policies[6]!.analysisReasons).toEqual(['users']);
    expect(r.policies[7]!.analysisReasons).toEqual(['application']);
    expect(r.policies[1]!.analysisReasons).toEqual(['policyNotEnabled']);
  });

  it('AND lists every unmet control as one alternative; OR lists each control as its own alternative', () => {
    const and = run([policy({ grantControls: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] } })]);
    expect(and.decision).toMatchObject({
      decision: 'needs',
      needs: [{ anyOf: [[{ kind: 'authenticationStrength', id: MFA, viaMfaControl: true }, { kind: 'compliantDevice' }]] }],
    });
    const or = run([policy({ grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } })]);
    expect(or.decision).toMatchObject({
      decision: 'needs',
      needs: [{ anyOf: [[{ kind: 'authenticationStrength' }], [{ kind: 'compliantDevice' }]] }],
    });
  });

  it('What If: a missing input gives notEnoughInformation; analysis assumes a grant policy applies and a conditional block does not', () => {
    const grant = policy({ conditions: { platforms: { includePlatforms: ['android'] } } as never, grantControls: strength(PHISHING) });
    const block = policy({
      conditions: { locations: { includeLocations: [OFFICE.id] } } as never,
      grantControls: { builtInControls: ['block'] },
    });
    const w = run([grant, block], { devicePlatform: undefined, ipAddress: undefined });
    expect(w.policies.map((p) => p.analysisReasons)).toEqual([['notEnoughInformation'], ['notEnoughInformation']]);
    expect(w.decision.decision).toBe('allow');
    const a = run([grant, block], { devicePlatform: undefined, ipAddress: undefined }, 'analysis');
    expect(a.decision.decision).toBe('needs');
    expect(a.policies[0]!.conditional).toBe(true);
    expect(a.policies[1]!.applies).toBe(false);
  });

  it('country locations are notEnoughInformation in What If unless a country is given', () => {
    const p = policy({
      conditions: { locations: { includeLocations: [COUNTRY.id] } } as never,
      grantControls: { builtInControls: ['block'] },
    });
    expect(run([p], { country: undefined }).policies[0]!.analysisReasons).toEqual(['notEnoughInformation']);
    expect(run([p], { country: 'FR' }).policies[0]!.analysisReasons).toEqual(['location']);
  });

  it('registration: a strength on the registration action takes precedence over an All-resources strength (§2.5 decision)', () => {
    const allApps = needsPhishing({ includeUsers: [], includeRoles: [GA] });
    const onboarding = policy({
      conditions: { users: { includeGroups: [GROUP] }, applications: { includeUserActions: ['urn:user:registersecurityinfo'] } } as never,
      grantControls: strength(BOOTSTRAP.id),
    });
    const reg = { target: { kind: 'userAction' as const, action: 'urn:user:registersecurityinfo' }, roleIds: [GA], performed: [tap] };
    expect(run([allApps], reg).decision.decision).toBe('needs');
    expect(run([allApps, onboarding], reg).decision.decision).toBe('allow');
    // …but not for the apps themselves, and a block on All resources still applies to registration.
    expect(run([allApps, onboarding], { roleIds: [GA], performed: [tap] }).decision.decision).toBe('needs');
    const block = policy({ grantControls: { builtInControls: ['block'] } });
    expect(run([allApps, onboarding, block], reg).decision.decision).toBe('block');
  });

  it('one evaluation touches only policies targeting the app (compiled indexes), yet reports all', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      policy({ conditions: { applications: { includeApplications: [`app-${i}`] } }, grantControls: { builtInControls: ['block'] } }),
    );
    const r = run(many, { target: { kind: 'application', appId: 'app-7' } });
    expect(r.decision).toMatchObject({ decision: 'block', blockedBy: [many[7]!.id] });
    expect(r.policies).toHaveLength(300);
    expect(r.policies.filter((p) => p.applies)).toHaveLength(1);
  });
});

describe('platform from User-Agent (§1.4)', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36', 'windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15', 'macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148', 'iOS'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36', 'android'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36', 'linux'],
    ['Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1) Edge/15', 'windowsPhone'],
    ['Mozilla/5.0 (X11; CrOS x86_64 15000.0.0) Chrome/120', 'unknown'],
    ['curl/8.5.0', 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (ua, expected) => {
    expect(platformFromUserAgent(ua)).toBe(expected);
  });
});
