import { describe, expect, it } from 'vitest';
import { decideRefresh, methodWords, REFRESH_ERROR, type RefreshFacts } from '../../src/signin/refresh-decision.ts';
import { evaluate, type SignInInput } from '../../src/policy/conditional-access/evaluate.ts';
import { compilePolicies } from '../../src/policy/conditional-access/compile.ts';
import type { ConditionalAccessPolicy } from '../../src/policy/conditional-access/types.ts';
import type { PerformedMode } from '../../src/policy/strengths/types.ts';
import { MFA, PHISHING, policy } from '../policy/conditional-access/helpers.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const APP = '33333333-3333-4333-8333-333333333333';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const SIGNED_IN = '2026-06-01T11:00:00Z';
const pwOath: PerformedMode[] = [
  { mode: 'password', at: SIGNED_IN },
  { mode: 'softwareOath', at: SIGNED_IN },
];
const passkey: PerformedMode[] = [{ mode: 'fido2', at: SIGNED_IN }];
const strength = (id: string) => ({ operator: 'OR', authenticationStrength: { id } });

/** The real evaluator (pure) over the given policies, as refresh-check.ts feeds it. */
function evaluation(policies: ConditionalAccessPolicy[], performed: readonly PerformedMode[]) {
  const input: SignInInput = {
    userId: USER,
    groupIds: [],
    roleIds: [],
    target: { kind: 'application', appId: APP },
    ipAddress: '203.0.113.9',
    devicePlatform: 'unknown',
    clientAppType: 'mobileAppsAndDesktopClients',
    signInRiskLevel: 'none',
    userRiskLevel: 'none',
    country: 'unknown',
    performed,
    now: NOW,
  };
  return evaluate(input, compilePolicies(policies, [], []), { includeAll: true });
}

function facts(over: Partial<RefreshFacts> = {}, policies: ConditionalAccessPolicy[] = [], performed = pwOath): RefreshFacts {
  return {
    user: { enabled: true, signInSessionsValidFrom: null },
    appEnabled: true,
    signedInAt: Date.parse(SIGNED_IN),
    performed,
    evaluation: evaluation(policies, performed),
    ...over,
  };
}

describe('decideRefresh (ADR 0017)', () => {
  it('allows a refresh when nothing changed', () => {
    expect(decideRefresh(facts())).toEqual({ ok: true });
  });

  it('refuses a deleted or disabled user and a disabled app, each with its AADSTS code', () => {
    expect(decideRefresh(facts({ user: undefined }))).toMatchObject({
      ok: false,
      refusal: 'userNotFound',
      errorCode: REFRESH_ERROR.userNotFound,
    });
    expect(decideRefresh(facts({ user: { enabled: false, signInSessionsValidFrom: null } }))).toMatchObject({
      ok: false,
      refusal: 'userDisabled',
      errorCode: 50057,
    });
    expect(decideRefresh(facts({ appEnabled: false }))).toMatchObject({ ok: false, refusal: 'appDisabled' });
  });

  it('revoked sessions: a sign-in before signInSessionsValidFromDateTime is refused, one after it is not', () => {
    const at = Date.parse(SIGNED_IN);
    expect(decideRefresh(facts({ user: { enabled: true, signInSessionsValidFrom: new Date(at + 1) } }))).toMatchObject({
      ok: false,
      refusal: 'sessionsRevoked',
      errorCode: 50173,
    });
    expect(decideRefresh(facts({ user: { enabled: true, signInSessionsValidFrom: new Date(at) } }))).toEqual({ ok: true });
    expect(decideRefresh(facts({ user: { enabled: true, signInSessionsValidFrom: new Date(at - 60_000) } }))).toEqual({ ok: true });
  });

  it('a policy that now requires phishing-resistant MFA refuses a password + OATH session, in words, and allows a passkey session', () => {
    const p = policy({ displayName: 'Phishing-resistant for the app', grantControls: strength(PHISHING) });
    const d = decideRefresh(facts({}, [p]));
    expect(d).toMatchObject({ ok: false, refusal: 'strongerAuthRequired', errorCode: 50076, policies: [p.id] });
    if (d.ok) throw new Error('unreachable');
    expect(d.description).toBe(
      'Conditional Access now requires Phishing-resistant MFA for this app; the session signed in with a password and a verification code. Sign in again.',
    );
    expect(decideRefresh(facts({}, [p], passkey))).toEqual({ ok: true });
    // The MFA strength is satisfied by password + OATH.
    expect(decideRefresh(facts({}, [policy({ grantControls: strength(MFA) })]))).toEqual({ ok: true });
  });

  it('a block policy refuses, naming the policy', () => {
    const p = policy({ displayName: 'Block everyone', grantControls: { builtInControls: ['block'] } });
    const d = decideRefresh(facts({}, [p], passkey));
    expect(d).toMatchObject({ ok: false, refusal: 'blockedByCa', errorCode: 53003, policies: [p.id] });
    expect(!d.ok && d.description).toContain('(Block everyone)');
  });

  it('report-only policies are recorded, never enforced', () => {
    expect(
      decideRefresh(facts({}, [policy({ state: 'enabledForReportingButNotEnforced', grantControls: { builtInControls: ['block'] } })])),
    ).toEqual({ ok: true });
  });

  it('sign-in frequency elapsed since the original sign-in → a fresh sign-in is required, even with a passkey', () => {
    const hourly = policy({
      displayName: 'Hourly',
      grantControls: strength(PHISHING),
      sessionControls: { signInFrequency: { isEnabled: true, type: 'hours', value: 1 } },
    });
    const old = [{ mode: 'fido2', at: '2026-06-01T10:00:00Z' }];
    expect(decideRefresh(facts({ signedInAt: Date.parse(old[0]!.at) }, [hourly], old))).toMatchObject({
      ok: false,
      refusal: 'signInFrequency',
      errorCode: 70044,
    });
    expect(decideRefresh(facts({}, [hourly], passkey))).toEqual({ ok: true });
  });

  it('enforced per-user MFA not met refuses; checks come in order (a disabled user wins over a CA block)', () => {
    expect(decideRefresh(facts({ perUserMfaMissing: true }))).toMatchObject({ ok: false, refusal: 'strongerAuthRequired' });
    const block = policy({ grantControls: { builtInControls: ['block'] } });
    expect(decideRefresh(facts({ user: { enabled: false, signInSessionsValidFrom: null } }, [block]))).toMatchObject({
      refusal: 'userDisabled',
    });
  });

  it('methodWords names each method once', () => {
    expect(methodWords([...pwOath, { mode: 'hardwareOath', at: SIGNED_IN }])).toBe('a password and a verification code');
    expect(methodWords([])).toBe('no method Latchkey can name');
  });
});
