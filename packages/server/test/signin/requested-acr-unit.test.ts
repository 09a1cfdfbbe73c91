import { describe, expect, it } from 'vitest';
import { meetsValue, metRequestedValue, requestedAcrOf, requestedText } from '../../src/signin/requested-acr.ts';
import { returnErrorOf } from '../../src/signin/return-to-app.ts';
import { BUILT_IN_STRENGTHS } from '../../src/policy/strengths/builtins.ts';
import type { AuthenticationStrength } from '../../src/policy/strengths/types.ts';
import { newFlowRow } from './support.ts';
import type { StoredFlow } from '../../src/signin/repository.ts';

const MFA = '00000000-0000-0000-0000-000000000002';
const PHISHING_RESISTANT = '00000000-0000-0000-0000-000000000004';
const CUSTOM = 'AAAAAAAA-0000-4000-8000-00000000000C';
const strengths = new Map<string, AuthenticationStrength>([
  ...BUILT_IN_STRENGTHS.map((s) => [s.id.toLowerCase(), s] as const),
  [
    CUSTOM.toLowerCase(),
    {
      ...BUILT_IN_STRENGTHS[0]!,
      id: CUSTOM.toLowerCase(),
      displayName: 'Shop floor tokens',
      policyType: 'custom',
      allowedCombinations: ['password,hardwareOath'],
    },
  ],
]);
const at = '2026-11-30T21:00:00.000Z';
const passkey = [{ mode: 'fido2', at }];
const passwordAndToken = [
  { mode: 'password', at },
  { mode: 'hardwareOath', at },
];
const password = [{ mode: 'password', at }];

describe('requestedAcrOf: what the authorization request asked for (OIDC Core §3.1.2.1, §5.5.1.1)', () => {
  it.each([
    ['nothing', {}, undefined],
    [
      'acr_values: voluntary, in the order given',
      { acr_values: `${PHISHING_RESISTANT} ${MFA}` },
      { values: [PHISHING_RESISTANT, MFA], essential: false },
    ],
    ['acr_values with doubled spaces and a repeat', { acr_values: ` ${MFA}  ${MFA} ` }, { values: [MFA], essential: false }],
    [
      'claims: an essential value',
      { claims: JSON.stringify({ id_token: { acr: { essential: true, value: MFA } } }) },
      { values: [MFA], essential: true },
    ],
    [
      'claims: essential values',
      { claims: JSON.stringify({ id_token: { acr: { essential: true, values: [PHISHING_RESISTANT, '0'] } } }) },
      { values: [PHISHING_RESISTANT, '0'], essential: true },
    ],
    [
      'claims without essential: voluntary',
      { claims: JSON.stringify({ id_token: { acr: { values: [MFA] } } }) },
      { values: [MFA], essential: false },
    ],
    [
      'claims win over acr_values when they name values',
      { acr_values: MFA, claims: JSON.stringify({ id_token: { acr: { essential: true, value: PHISHING_RESISTANT } } }) },
      { values: [PHISHING_RESISTANT], essential: true },
    ],
    [
      'claims asking for acr without values: acr_values count',
      { acr_values: MFA, claims: JSON.stringify({ id_token: { acr: { essential: true } } }) },
      { values: [MFA], essential: false },
    ],
    [
      'claims for userinfo only: acr_values count',
      { acr_values: MFA, claims: JSON.stringify({ userinfo: { acr: { essential: true, value: PHISHING_RESISTANT } } }) },
      { values: [MFA], essential: false },
    ],
    [
      'values that are not strings are dropped',
      { claims: JSON.stringify({ id_token: { acr: { essential: true, values: [7, null, MFA] } } }) },
      { values: [MFA], essential: true },
    ],
    ['malformed claims JSON: acr_values count', { acr_values: MFA, claims: '{' }, { values: [MFA], essential: false }],
    ['an overlong value is dropped', { acr_values: 'x'.repeat(129) }, undefined],
  ])('%s', (_name, params, expected) => {
    expect(requestedAcrOf(params as Record<string, unknown>)).toEqual(expected);
  });

  it('keeps at most ten values', () => {
    const many = Array.from({ length: 15 }, (_, i) => `v${i}`).join(' ');
    expect(requestedAcrOf({ acr_values: many })?.values).toHaveLength(10);
  });
});

describe('meetsValue / metRequestedValue: which requested value a sign-in met', () => {
  it.each([
    ['"0" by any sign-in', '0', password, true],
    ['MFA by a passkey (phishing-resistant satisfies it too)', MFA, passkey, true],
    ['phishing-resistant not by password + token', PHISHING_RESISTANT, passwordAndToken, false],
    ['a custom strength by its combination, whatever the case of its id', CUSTOM.toLowerCase(), passwordAndToken, true],
    ['a custom strength not by a passkey it does not list', CUSTOM, passkey, false],
    ['an unknown value never', 'urn:example:loa:high', passkey, false],
  ] as const)('%s', (_name, value, performed, expected) => {
    expect(meetsValue(value, performed, strengths)).toBe(expected);
  });

  it("the first value met in the app's order, spelled as the app asked", () => {
    expect(metRequestedValue({ values: [PHISHING_RESISTANT, CUSTOM, MFA], essential: true }, passwordAndToken, strengths)).toBe(CUSTOM);
    expect(metRequestedValue({ values: ['urn:unknown', MFA], essential: false }, passkey, strengths)).toBe(MFA);
    expect(metRequestedValue({ values: [PHISHING_RESISTANT], essential: true }, password, strengths)).toBeUndefined();
    expect(metRequestedValue(undefined, passkey, strengths)).toBeUndefined();
  });

  it('words the request for a person', () => {
    expect(requestedText({ values: [PHISHING_RESISTANT, 'urn:x', '0'], essential: true }, strengths)).toBe(
      'Phishing-resistant MFA or "urn:x" or any sign-in',
    );
  });
});

describe('returnErrorOf: what the app hears when the person goes back from an ended sign-in', () => {
  const flow = (over: Partial<StoredFlow>): StoredFlow => ({ ...newFlowRow(), version: 3, state: 'failed', ...over });
  const performed = [{ method: 'password' as const, at, amr: ['pwd'] }];

  it('an essential acr the person signed in without meeting: unmet_authentication_requirements, the reason as description', () => {
    const e = returnErrorOf(
      flow({
        requestedAcr: { values: [PHISHING_RESISTANT], essential: true },
        methodsPerformed: performed,
        failureReason: 'This app requires “Phishing-resistant MFA”.\nAsk \\ your admin.',
      }),
      strengths,
    );
    expect(e.error).toBe('unmet_authentication_requirements');
    // RFC 6749 §4.1.2.1: only %x20-21 / %x23-5B / %x5D-7E.
    expect(e.error_description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/);
    expect(e.error_description).toContain('Phishing-resistant MFA');
  });

  it('a voluntary request, a Conditional Access block, or nothing verified: access_denied', () => {
    expect(
      returnErrorOf(flow({ requestedAcr: { values: [PHISHING_RESISTANT], essential: false }, methodsPerformed: performed }), strengths)
        .error,
    ).toBe('access_denied');
    expect(returnErrorOf(flow({ methodsPerformed: performed, failureReason: 'blocked' }), strengths)).toEqual({
      error: 'access_denied',
      error_description: 'blocked',
    });
    expect(
      returnErrorOf(flow({ requestedAcr: { values: [PHISHING_RESISTANT], essential: true }, methodsPerformed: [] }), strengths).error,
    ).toBe('access_denied');
    expect(returnErrorOf(flow({ state: 'expired', failureReason: null }), strengths).error_description).toBe('The sign-in took too long.');
  });
});
