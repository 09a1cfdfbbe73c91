import { randomUUID } from 'node:crypto';
import type { SignInDeps } from './deps.ts';
import { FLOW_TTL_MS, nowOf } from './deps.ts';
import { METHODS_BEFORE_IDENTIFY, transition, type SignInEvent } from './machine.ts';
import { findFlowByInteraction, insertFlow, saveFlow, type StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import type { RequestedAcr } from './requested-acr.ts';

/** The flow of an oidc-provider interaction, created on first sight (state `identify`). */
export async function startFlow(
  deps: SignInDeps,
  input: { interactionUid: string; clientId: string; deviceCode?: boolean; requestedAcr?: RequestedAcr | undefined },
): Promise<StoredFlow> {
  const existing = await findFlowByInteraction(deps.db, input.interactionUid);
  if (existing) return existing;
  const now = nowOf(deps);
  return insertFlow(deps.db, {
    id: randomUUID(),
    interactionUid: input.interactionUid,
    clientId: input.clientId,
    loginHint: null,
    accountKey: null,
    state: 'identify',
    userId: null,
    identified: false,
    methodsOffered: METHODS_BEFORE_IDENTIFY,
    methodsPerformed: [],
    failures: 0,
    failureReason: null,
    expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
    ...(input.deviceCode ? { originalTransferMethod: 'deviceCodeFlow' as const } : {}),
    ...(input.requestedAcr ? { requestedAcr: input.requestedAcr } : {}),
  });
}

export async function loadFlow(deps: SignInDeps, interactionUid: string): Promise<StoredFlow> {
  const flow = await findFlowByInteraction(deps.db, interactionUid);
  if (!flow) throw new SignInError('flowNotFound', 'This sign-in is unknown or already finished. Start again from the app.');
  return flow;
}

/**
 * Applies events to the flow and saves it with optimistic concurrency. When another request
 * saved first, reloads and re-applies (an event is a fact, e.g. "this passkey verified"), up
 * to five times. A refused transition throws the matching SignInError.
 */
export async function applyEvents(
  deps: SignInDeps,
  flow: StoredFlow,
  events: SignInEvent[],
  extra: Partial<Pick<StoredFlow, 'loginHint' | 'accountKey'>> = {},
): Promise<StoredFlow> {
  let current = flow;
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = nextFlow(deps, current, events, extra);
    const saved = await saveFlow(deps.db, next, current.version);
    if (saved) return saved;
    current = await loadFlow(deps, flow.interactionUid);
  }
  throw new SignInError('conflict', 'This sign-in changed in another tab or request. Reload the page.');
}

/** The pure part of `applyEvents`: `flow` after `events` (not saved; its version is still the loaded one). A refused transition throws. */
export function nextFlow(
  deps: SignInDeps,
  flow: StoredFlow,
  events: SignInEvent[],
  extra: Partial<Pick<StoredFlow, 'loginHint' | 'accountKey'>> = {},
): StoredFlow {
  let next: StoredFlow = { ...flow, ...extra };
  for (const event of events) {
    const r = transition(next, event, nowOf(deps));
    if (!r.ok) throw refusal(r.check, next);
    next = { ...next, ...r.flow };
  }
  return next.identified ? next : { ...next, loginHint: null, accountKey: null };
}

function refusal(check: string, flow: StoredFlow): SignInError {
  if (check === 'flowNotExpired') return new SignInError('flowExpired', 'This sign-in took too long (10 minutes). Start again.');
  if (check === 'flowNotFinished')
    return flow.state === 'failed'
      ? new SignInError('flowFailed', 'Too many failed attempts in this sign-in. Start again.')
      : new SignInError('wrongStep', 'This sign-in is already finished.');
  if (check === 'sameUserAsIdentified')
    return new SignInError('accountMismatch', 'That passkey belongs to a different account than the one you entered.');
  return new SignInError('wrongStep', `This step does not fit the sign-in (${check}).`, { details: { check } });
}
