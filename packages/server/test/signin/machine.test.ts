import { describe, expect, it } from 'vitest';
import { transition, MAX_FLOW_FAILURES, type FlowSnapshot, type SignInEvent, type SignInState } from '../../src/signin/machine.ts';
import { afterFailure, lockedForSeconds, LOCKOUT } from '../../src/signin/lockout.ts';
import { acrOf, amrOf, passkeyAmr, STRENGTH, ACR_NONE } from '../../src/signin/amr.ts';

const NOW = new Date('2026-01-01T10:00:00Z');
const U = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function flow(over: Partial<FlowSnapshot> = {}): FlowSnapshot {
  return { state: 'identify', userId: null, identified: false, methodsOffered: ['passkey'], methodsPerformed: [], failures: 0, failureReason: null, expiresAt: new Date(NOW.getTime() + 60_000), ...over };
}
const chosen = (over: Partial<FlowSnapshot> = {}) => flow({ state: 'chooseMethod', userId: U, identified: true, methodsOffered: ['passkey', 'password'], ...over });

type Row = [name: string, from: FlowSnapshot, event: SignInEvent, expected: SignInState | `refused:${string}`];

const rows: Row[] = [
  ['identify → chooseMethod', flow(), { type: 'identified', userId: U, methodsOffered: ['passkey', 'password'] }, 'chooseMethod'],
  ['unknown name also reaches chooseMethod', flow(), { type: 'identified', userId: null, methodsOffered: ['passkey', 'password'] }, 'chooseMethod'],
  ['usernameless passkey completes from identify', flow(), { type: 'verified', method: 'passkey', userId: U, amr: ['hwk', 'user'] }, 'complete'],
  ['password is not usable before a name', flow(), { type: 'methodChosen', method: 'password' }, 'refused:methodOffered'],
  ['password cannot verify from identify', flow({ methodsOffered: ['passkey', 'password'] }), { type: 'verified', method: 'password', userId: U, amr: ['pwd'] }, 'refused:verifyingThatMethod'],
  ['choose passkey', chosen(), { type: 'methodChosen', method: 'passkey' }, 'verifyPasskey'],
  ['choose password', chosen(), { type: 'methodChosen', method: 'password' }, 'verifyPassword'],
  ['a method not offered is refused', chosen(), { type: 'methodChosen', method: 'tap' }, 'refused:methodOffered'],
  ['passkey verified', chosen({ state: 'verifyPasskey' }), { type: 'verified', method: 'passkey', userId: U, amr: ['hwk', 'user'] }, 'complete'],
  ["another account's passkey is refused", chosen({ state: 'verifyPasskey' }), { type: 'verified', method: 'passkey', userId: OTHER, amr: ['hwk'] }, 'refused:sameUserAsIdentified'],
  ['an unknown name never verifies', chosen({ state: 'verifyPasskey', userId: null }), { type: 'verified', method: 'passkey', userId: U, amr: ['hwk'] }, 'refused:sameUserAsIdentified'],
  ['verifying in the wrong state is refused', chosen({ state: 'verifyPassword' }), { type: 'verified', method: 'passkey', userId: U, amr: ['hwk'] }, 'refused:verifyingThatMethod'],
  ['a failure stays in the state', chosen({ state: 'verifyPassword' }), { type: 'verificationFailed', method: 'password', reason: 'x' }, 'verifyPassword'],
  ['the last allowed failure fails the flow', chosen({ state: 'verifyPassword', failures: MAX_FLOW_FAILURES - 1 }), { type: 'verificationFailed', method: 'password', reason: 'x' }, 'failed'],
  ['restart goes back to identify', chosen({ state: 'verifyPasskey' }), { type: 'restart' }, 'identify'],
  ['restart from identify is refused', flow(), { type: 'restart' }, 'refused:wrongState'],
  ['an expired flow refuses everything', chosen({ expiresAt: new Date(NOW.getTime() - 1) }), { type: 'methodChosen', method: 'passkey' }, 'refused:flowNotExpired'],
  ['a complete flow refuses more events', chosen({ state: 'complete' }), { type: 'methodChosen', method: 'passkey' }, 'refused:flowNotFinished'],
  ['a failed flow refuses verification', chosen({ state: 'failed' }), { type: 'verified', method: 'password', userId: U, amr: ['pwd'] }, 'refused:flowNotFinished'],
  ['abort of an expired flow → expired', chosen({ expiresAt: new Date(NOW.getTime() - 1) }), { type: 'abort', reason: 'timeout' }, 'expired'],
  ['abort of a live flow → failed', chosen(), { type: 'abort', reason: 'cancelled' }, 'failed'],
  // Step-up inside an SSO session (session-step-up.ts): a fresh flow takes over the session's methods, once.
  ['a fresh flow carries the session', flow(), { type: 'sessionCarried', userId: U, methods: [{ method: 'password', at: NOW.toISOString(), amr: ['pwd'] }] }, 'complete'],
  ['nothing to carry is refused', flow(), { type: 'sessionCarried', userId: U, methods: [] }, 'refused:carriesMethods'],
  ['a flow with a name entered does not carry', chosen({ state: 'identify' }), { type: 'sessionCarried', userId: U, methods: [{ method: 'password', at: NOW.toISOString(), amr: ['pwd'] }] }, 'refused:nothingVerifiedYet'],
  ['a flow past identify does not carry', chosen(), { type: 'sessionCarried', userId: U, methods: [{ method: 'password', at: NOW.toISOString(), amr: ['pwd'] }] }, 'refused:nothingVerifiedYet'],
  ['an expired flow does not carry', flow({ expiresAt: new Date(NOW.getTime() - 1) }), { type: 'sessionCarried', userId: U, methods: [{ method: 'password', at: NOW.toISOString(), amr: ['pwd'] }] }, 'refused:flowNotExpired'],
];

describe('sign-in state machine (pure)', () => {
  it.each(rows)('%s', (_name, from, event, expected) => {
    const r = transition(from, event, NOW);
    if (expected.startsWith('refused:')) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.check).toBe(expected.slice('refused:'.length));
    } else {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.flow.state).toBe(expected);
    }
  });

  it('records the performed method with its time and amr, and never mutates its input', () => {
    const from = chosen({ state: 'verifyPasskey' });
    const copy = structuredClone(from);
    const r = transition(from, { type: 'verified', method: 'passkey', userId: U, amr: ['hwk', 'user'] }, NOW);
    expect(r.ok && r.flow.methodsPerformed).toEqual([{ method: 'passkey', at: NOW.toISOString(), amr: ['hwk', 'user'] }]);
    expect(from).toEqual(copy);
  });

  it('restart forgets the entered account', () => {
    const r = transition(chosen({ state: 'verifyPassword' }), { type: 'restart' }, NOW);
    expect(r.ok && { userId: r.flow.userId, identified: r.flow.identified, methods: r.flow.methodsOffered }).toEqual({ userId: null, identified: false, methods: ['passkey'] });
  });
});

describe('smart lockout (pure)', () => {
  it('locks after the 10th failure for 60 s, then doubles per further failure up to an hour', () => {
    let s = undefined as ReturnType<typeof afterFailure> | undefined;
    for (let i = 1; i < LOCKOUT.threshold; i++) {
      s = afterFailure(s, NOW);
      expect(lockedForSeconds(s, NOW)).toBe(0);
    }
    s = afterFailure(s, NOW);
    expect(lockedForSeconds(s, NOW)).toBe(60);
    expect(lockedForSeconds(s, new Date(NOW.getTime() + 60_000))).toBe(0);
    expect(lockedForSeconds(afterFailure(s, NOW), NOW)).toBe(120);
    expect(lockedForSeconds(afterFailure({ failures: 40, lockedUntil: null }, NOW), NOW)).toBe(3600);
  });
});

describe('amr and acr', () => {
  const at = NOW.toISOString();
  it.each([
    ['device-bound passkey with UV', [{ method: 'passkey' as const, at, amr: passkeyAmr('deviceBound', true) }], ['hwk', 'mfa', 'user'], STRENGTH.phishingResistantMfa],
    ['synced passkey with UV', [{ method: 'passkey' as const, at, amr: passkeyAmr('synced', true) }], ['mfa', 'swk', 'user'], STRENGTH.phishingResistantMfa],
    ['passkey without UV is one factor', [{ method: 'passkey' as const, at, amr: passkeyAmr('deviceBound', false) }], ['hwk'], STRENGTH.phishingResistantMfa],
    ['password', [{ method: 'password' as const, at, amr: ['pwd'] }], ['pwd'], ACR_NONE],
    ['password then passkey', [{ method: 'password' as const, at, amr: ['pwd'] }, { method: 'passkey' as const, at, amr: ['hwk', 'user'] }], ['hwk', 'mfa', 'pwd', 'user'], STRENGTH.phishingResistantMfa],
  ])('%s', (_n, performed, amr, acr) => {
    expect(amrOf(performed)).toEqual(amr);
    expect(acrOf(performed)).toBe(acr);
  });
});
