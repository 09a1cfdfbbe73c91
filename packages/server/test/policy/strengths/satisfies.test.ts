import { describe, expect, it } from 'vitest';
import { satisfies } from '../../../src/policy/strengths/satisfies.ts';
import { BUILT_IN_STRENGTHS, builtInStrength } from '../../../src/policy/strengths/builtins.ts';
import { BUILT_IN_STRENGTH, validCombination, VALID_COMBINATIONS } from '../../../src/policy/strengths/modes.ts';
import { assertValidStrength } from '../../../src/policy/strengths/checks.ts';
import type { AuthenticationStrength } from '../../../src/policy/strengths/types.ts';

const MFA = builtInStrength(BUILT_IN_STRENGTH.mfa)!;
const PASSWORDLESS = builtInStrength(BUILT_IN_STRENGTH.passwordlessMfa)!;
const PHISHING = builtInStrength(BUILT_IN_STRENGTH.phishingResistantMfa)!;
const YUBI = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const OTHER = 'de1e552d-db1d-4423-a619-566b625cdc84';
const restricted: Pick<AuthenticationStrength, 'allowedCombinations' | 'combinationConfigurations'> = {
  allowedCombinations: ['fido2'],
  combinationConfigurations: [
    { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', id: 'c', allowedAAGUIDs: [YUBI], appliesToCombinations: ['fido2'] },
  ],
};

describe('built-in strengths (entra-spec §2.3)', () => {
  it('have the fixed ids, builtIn type, mfa requirement and no combination configurations', () => {
    expect(BUILT_IN_STRENGTHS.map((s) => s.id)).toEqual([
      '00000000-0000-0000-0000-000000000002',
      '00000000-0000-0000-0000-000000000003',
      '00000000-0000-0000-0000-000000000004',
    ]);
    for (const s of BUILT_IN_STRENGTHS)
      expect(s).toMatchObject({ policyType: 'builtIn', requirementsSatisfied: 'mfa', combinationConfigurations: [] });
    expect(PHISHING.allowedCombinations).toEqual(['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor']);
    expect(PASSWORDLESS.allowedCombinations).toEqual(['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush']);
    expect(MFA.allowedCombinations).toContain('temporaryAccessPassOneTime');
    expect(MFA.allowedCombinations).toContain('password,softwareOath');
    for (const c of [...MFA.allowedCombinations, ...PASSWORDLESS.allowedCombinations]) expect(validCombination(c)).toBe(c);
  });
});

describe('satisfies(strength, performed)', () => {
  const cases: Array<
    [
      string,
      Pick<AuthenticationStrength, 'allowedCombinations' | 'combinationConfigurations'>,
      Array<{ mode: string; aaGuid?: string }>,
      boolean,
    ]
  > = [
    ['passkey satisfies phishing-resistant', PHISHING, [{ mode: 'fido2', aaGuid: OTHER }], true],
    ['password alone satisfies no built-in', MFA, [{ mode: 'password' }], false],
    ['password + software OATH satisfies MFA', MFA, [{ mode: 'password' }, { mode: 'softwareOath' }], true],
    ['password + software OATH is not passwordless', PASSWORDLESS, [{ mode: 'password' }, { mode: 'softwareOath' }], false],
    ['one-time TAP satisfies MFA', MFA, [{ mode: 'temporaryAccessPassOneTime' }], true],
    ['multi-use TAP satisfies MFA', MFA, [{ mode: 'temporaryAccessPassMultiUse' }], true],
    ['TAP is not phishing-resistant', PHISHING, [{ mode: 'temporaryAccessPassMultiUse' }], false],
    ['TAP is not passwordless', PASSWORDLESS, [{ mode: 'temporaryAccessPassOneTime' }], false],
    ['phone approval is passwordless', PASSWORDLESS, [{ mode: 'deviceBasedPush' }], true],
    ['phone approval is not phishing-resistant', PHISHING, [{ mode: 'deviceBasedPush' }], false],
    ['earlier methods count (password then hardware OATH)', MFA, [{ mode: 'hardwareOath' }, { mode: 'password' }], true],
    ['AAGUID-restricted strength accepts the listed key', restricted, [{ mode: 'fido2', aaGuid: YUBI }], true],
    [
      'AAGUID-restricted strength accepts the listed key, case-insensitively',
      restricted,
      [{ mode: 'fido2', aaGuid: YUBI.toUpperCase() }],
      true,
    ],
    ['AAGUID-restricted strength refuses another key', restricted, [{ mode: 'fido2', aaGuid: OTHER }], false],
    ['AAGUID-restricted strength refuses a passkey without AAGUID', restricted, [{ mode: 'fido2' }], false],
    ['nothing performed satisfies nothing', MFA, [], false],
  ];
  it.each(cases)('%s', (_name, strength, performed, expected) => {
    expect(satisfies(strength, performed).satisfied).toBe(expected);
  });
  it('names the combination that matched and flags a rejected AAGUID', () => {
    expect(satisfies(MFA, [{ mode: 'password' }, { mode: 'softwareOath' }]).combination).toBe('password,softwareOath');
    expect(satisfies(restricted, [{ mode: 'fido2', aaGuid: OTHER }]).aaGuidRejected).toBe(true);
  });
});

describe('custom strength validation (a table of named checks)', () => {
  const bad: Array<[string, Parameters<typeof assertValidStrength>[0], string]> = [
    ['unknown combination', { displayName: 'x', allowedCombinations: ['fido2,sms'] }, 'checkCombinationsValid'],
    ['made-up mode', { displayName: 'x', allowedCombinations: ['retinaScan'] }, 'checkCombinationsValid'],
    ['empty', { displayName: 'x', allowedCombinations: [] }, 'checkAtLeastOneCombination'],
    ['blank name', { displayName: '  ', allowedCombinations: ['fido2'] }, 'checkDisplayName'],
    [
      'duplicate in another order',
      { displayName: 'x', allowedCombinations: ['password,softwareOath', 'softwareOath,password'] },
      'checkNoDuplicateCombinations',
    ],
    [
      'fido2 config without fido2',
      {
        displayName: 'x',
        allowedCombinations: ['password'],
        combinationConfigurations: [
          { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', allowedAAGUIDs: [YUBI], appliesToCombinations: ['fido2'] },
        ],
      },
      'checkCombinationConfigurations',
    ],
    [
      'config applying to something else',
      {
        displayName: 'x',
        allowedCombinations: ['fido2'],
        combinationConfigurations: [
          {
            '@odata.type': '#microsoft.graph.fido2CombinationConfiguration',
            allowedAAGUIDs: [YUBI],
            appliesToCombinations: ['fido2', 'password'],
          },
        ],
      },
      'checkCombinationConfigurations',
    ],
    [
      'bad AAGUID',
      {
        displayName: 'x',
        allowedCombinations: ['fido2'],
        combinationConfigurations: [
          { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', allowedAAGUIDs: ['nope'], appliesToCombinations: ['fido2'] },
        ],
      },
      'checkCombinationConfigurations',
    ],
  ];
  it.each(bad)('%s → 400 naming %s', (_n, draft, check) => {
    try {
      assertValidStrength(draft);
      expect.unreachable('accepted an invalid strength');
    } catch (e) {
      expect((e as { status: number }).status).toBe(400);
      expect((e as { details: { checks: string[] } }).details.checks).toContain(check);
    }
  });
  it('accepts every valid combination, in any mode order', () => {
    expect(() => assertValidStrength({ displayName: 'all', allowedCombinations: [...VALID_COMBINATIONS] })).not.toThrow();
    expect(() => assertValidStrength({ displayName: 'swapped', allowedCombinations: ['softwareOath,password'] })).not.toThrow();
  });
});
