import { describe, expect, it } from 'vitest';
import { decideRegistration, modesOf, type RegistrationFacts } from '../../src/signin/registration-interrupt.ts';
import { decideCampaign, ALLOWED_SNOOZES } from '../../src/signin/registration-campaign.ts';
import { transition, type FlowSnapshot } from '../../src/signin/machine.ts';
import type { RegistrationCampaign } from '../../src/policy/authentication-methods/types.ts';

const none = { nudge: false, why: 'off' } as const;
const base: RegistrationFacts = {
  hasPasskey: false,
  canSelfRegisterPasskey: true,
  passkeyRegistrationRequired: false,
  signedInWithOneTimeTap: false,
  conditionalAccessNeedsPasskey: false,
  campaign: none,
};

describe('registration interrupt rules (first match wins)', () => {
  it.each([
    ['nothing required', base, { kind: 'none' }],
    [
      'a user with a passkey is never interrupted',
      { ...base, hasPasskey: true, signedInWithOneTimeTap: true, passkeyRegistrationRequired: true },
      { kind: 'none' },
    ],
    ['nor one who may not self-register', { ...base, canSelfRegisterPasskey: false, signedInWithOneTimeTap: true }, { kind: 'none' }],
    [
      'Conditional Access needs a passkey',
      { ...base, conditionalAccessNeedsPasskey: true },
      { kind: 'required', reason: 'conditionalAccess' },
    ],
    ['one-time TAP sign-in', { ...base, signedInWithOneTimeTap: true }, { kind: 'required', reason: 'oneTimeTap' }],
    [
      'Fido2 target isRegistrationRequired',
      { ...base, passkeyRegistrationRequired: true },
      { kind: 'required', reason: 'passkeyRegistrationRequired' },
    ],
    [
      'campaign with snoozes left',
      { ...base, campaign: { nudge: true, snoozesLeft: 2, forced: false } },
      { kind: 'campaign', snoozesLeft: 2 },
    ],
    [
      'campaign after the allowed snoozes',
      { ...base, campaign: { nudge: true, snoozesLeft: 0, forced: true } },
      { kind: 'required', reason: 'campaignSnoozesUsed' },
    ],
    ['CA is unknown: falls through to the other rules', { ...base, conditionalAccessNeedsPasskey: undefined }, { kind: 'none' }],
  ] as const)('%s', (_n, facts, expected) => {
    expect(decideRegistration(facts as RegistrationFacts)).toMatchObject(expected);
  });

  it('maps performed methods to authentication method modes', () => {
    expect(
      modesOf([
        { method: 'passkey', at: 'a', amr: [] },
        { method: 'password', at: 'b', amr: [] },
        { method: 'tap', at: 'c', amr: [], tap: { id: 'x', endsAt: 'z', isUsableOnce: false } },
        { method: 'tap', at: 'd', amr: [], tap: { id: 'y', endsAt: 'z', isUsableOnce: true } },
      ]).map((m) => m.mode),
    ).toEqual(['fido2', 'password', 'temporaryAccessPassMultiUse', 'temporaryAccessPassOneTime']);
  });
});

describe('registration campaign (entra-spec §7.5)', () => {
  const campaign: RegistrationCampaign = {
    state: 'enabled',
    snoozeDurationInDays: 1,
    enforceRegistrationAfterAllowedSnoozes: true,
    includeTargets: [{ id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'fido2' }],
    excludeTargets: [],
  };
  const user = { id: 'u1', groupIds: new Set(['g1']), hasPasskey: false };
  const now = new Date('2026-01-10T12:00:00Z');
  const fresh = { count: 0, lastSnoozedAt: null };
  it.each([
    ['enabled, targeted, never snoozed', campaign, user, fresh, { nudge: true, snoozesLeft: ALLOWED_SNOOZES, forced: false }],
    [
      'state default (Microsoft-managed, voice/SMS users) is off in Latchkey',
      { ...campaign, state: 'default' },
      user,
      fresh,
      { nudge: false },
    ],
    ['disabled', { ...campaign, state: 'disabled' }, user, fresh, { nudge: false }],
    ['user already has a passkey', campaign, { ...user, hasPasskey: true }, fresh, { nudge: false }],
    ['exclude wins over include', { ...campaign, excludeTargets: [{ id: 'g1', targetType: 'group' }] }, user, fresh, { nudge: false }],
    [
      'not targeted',
      { ...campaign, includeTargets: [{ id: 'u2', targetType: 'user', targetedAuthenticationMethod: 'fido2' }] },
      user,
      fresh,
      { nudge: false },
    ],
    [
      'targeted directly',
      { ...campaign, includeTargets: [{ id: 'u1', targetType: 'user', targetedAuthenticationMethod: 'fido2' }] },
      user,
      fresh,
      { nudge: true },
    ],
    ['within the snooze duration', campaign, user, { count: 1, lastSnoozedAt: new Date('2026-01-10T00:00:00Z') }, { nudge: false }],
    [
      'after the snooze duration, 2 left',
      campaign,
      user,
      { count: 1, lastSnoozedAt: new Date('2026-01-09T00:00:00Z') },
      { nudge: true, snoozesLeft: 2 },
    ],
    [
      'snoozeDurationInDays 0 nudges every sign-in',
      { ...campaign, snoozeDurationInDays: 0 },
      user,
      { count: 1, lastSnoozedAt: now },
      { nudge: true, snoozesLeft: 2 },
    ],
    [
      'after 3 snoozes: forced',
      { ...campaign, snoozeDurationInDays: 0 },
      user,
      { count: 3, lastSnoozedAt: now },
      { nudge: true, snoozesLeft: 0, forced: true },
    ],
    [
      'unlimited snoozes when not enforced',
      { ...campaign, snoozeDurationInDays: 0, enforceRegistrationAfterAllowedSnoozes: false },
      user,
      { count: 9, lastSnoozedAt: now },
      { nudge: true, snoozesLeft: null, forced: false },
    ],
  ] as const)('%s', (_n, c, u, s, expected) => {
    expect(decideCampaign(c as RegistrationCampaign, u, s, now)).toMatchObject(expected);
  });
});

describe('sign-in machine: TAP and registration rows', () => {
  const now = new Date('2026-01-10T12:00:00Z');
  const flow: FlowSnapshot = {
    state: 'chooseMethod',
    userId: 'u1',
    identified: true,
    methodsOffered: ['passkey', 'password', 'tap'],
    methodsPerformed: [],
    failures: 0,
    failureReason: null,
    expiresAt: new Date(now.getTime() + 600_000),
  };
  const step = (f: FlowSnapshot, e: Parameters<typeof transition>[1]) => {
    const r = transition(f, e, now);
    if (!r.ok) throw new Error(`refused: ${r.check}`);
    return r.flow;
  };
  it('tap → verifyTap → complete (with the pass id and end) → interrupt (15-minute session) → registered → complete', () => {
    const chosen = step(flow, { type: 'methodChosen', method: 'tap' });
    expect(chosen.state).toBe('verifyTap');
    const done = step(chosen, {
      type: 'verified',
      method: 'tap',
      userId: 'u1',
      amr: ['mfa', 'otp'],
      tap: { id: 't1', endsAt: 'e', isUsableOnce: true },
    });
    expect(done.methodsPerformed[0]).toMatchObject({ method: 'tap', tap: { id: 't1', isUsableOnce: true } });
    const held = step(done, { type: 'interrupt', state: 'registrationRequired' });
    expect(held.state).toBe('registrationRequired');
    expect(held.expiresAt.getTime() - now.getTime()).toBe(15 * 60_000);
    expect(transition(held, { type: 'snoozed' }, now)).toMatchObject({ ok: false, check: 'wrongState' });
    expect(step(held, { type: 'registered' }).state).toBe('complete');
  });
  it('tap is refused when not offered; the interrupt needs a verified user', () => {
    expect(transition({ ...flow, methodsOffered: ['passkey', 'password'] }, { type: 'methodChosen', method: 'tap' }, now)).toMatchObject({
      ok: false,
      check: 'methodOffered',
    });
    expect(transition({ ...flow, state: 'complete' }, { type: 'interrupt', state: 'registrationCampaign' }, now)).toMatchObject({
      ok: false,
      check: 'verifiedUser',
    });
  });
});
