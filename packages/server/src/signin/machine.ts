/**
 * The sign-in flow as a pure state machine (house style §4, §6). `transition(flow, event, now)`
 * takes the persisted flow and an event and returns the next flow, or the code of the first
 * named check that refused it. No I/O: the service loads the flow, calls this, and saves the
 * result with optimistic concurrency. Diagram: docs/flows/signin.mmd.
 *
 * Later issues add states (conditional access evaluation, TAP, registration interrupt) by adding
 * rows to TRANSITIONS and checks to CHECKS; nothing else here changes.
 */
export const SIGNIN_STATES = ['identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyTap', 'registrationRequired', 'registrationCampaign', 'chooseSecondFactor', 'verifyOath', 'complete', 'failed', 'expired'] as const;
export type SignInState = (typeof SIGNIN_STATES)[number];

/** Methods a flow can verify; each is a strategy in `methods/`. */
export type SignInMethod = 'passkey' | 'password' | 'tap' | 'oath';

export interface PerformedMethod {
  method: SignInMethod;
  /** ISO time the method was verified. */
  at: string;
  /** RFC 8176 values this method proved. */
  amr: string[];
  /** TAP sign-ins: the pass's id and end, which bound the session and its tokens (docs/tap.md). */
  tap?: { id: string; endsAt: string; isUsableOnce: boolean };
  /** The authentication-strength mode proved when the method alone does not say (OATH: `hardwareOath`/`softwareOath`). */
  mode?: string;
  /** Passkeys: the authenticator's AAGUID, for strengths that restrict fido2 to listed AAGUIDs (entra-spec §2.4). */
  aaGuid?: string;
}

/** The persisted flow, as the machine sees it. */
export interface FlowSnapshot {
  state: SignInState;
  /** The identified user; null until identified, and null for an unknown name (enumeration safety). */
  userId: string | null;
  /** Whether a name was entered (identification happened, even for an unknown name). */
  identified: boolean;
  methodsOffered: SignInMethod[];
  methodsPerformed: PerformedMethod[];
  failures: number;
  failureReason: string | null;
  expiresAt: Date;
}

export type SignInEvent =
  | { type: 'identified'; userId: string | null; methodsOffered: SignInMethod[] }
  | { type: 'methodChosen'; method: SignInMethod }
  | { type: 'verified'; method: SignInMethod; userId: string; amr: string[]; tap?: PerformedMethod['tap']; mode?: string; aaGuid?: string }
  | { type: 'verificationFailed'; method: SignInMethod; reason: string }
  | { type: 'restart' }
  // Step-up inside an SSO session (session-step-up.ts): the session's verified methods carried into a fresh flow.
  | { type: 'sessionCarried'; userId: string; methods: PerformedMethod[] }
  | { type: 'interrupt'; state: 'registrationRequired' | 'registrationCampaign' }
  | { type: 'registered' }
  | { type: 'snoozed' }
  | { type: 'abort'; reason: string }
  // Conditional Access after a verification (ca-step.ts): more is needed (offering what would satisfy it), or access is denied.
  | { type: 'secondFactorRequired'; methodsOffered: SignInMethod[]; reason: string }
  | { type: 'denied'; reason: string };

/** How long the registration interrupt may take (entra-spec §7.6: combined registration sessions last 15 minutes). */
export const REGISTRATION_SESSION_MS = 15 * 60_000;

/** Failed verifications within one flow before it ends; above the lockout threshold (10), so people see the lockout first. */
export const MAX_FLOW_FAILURES = 20;

const VERIFY_STATE: Record<SignInMethod, SignInState> = { passkey: 'verifyPasskey', password: 'verifyPassword', tap: 'verifyTap', oath: 'verifyOath' };
const TERMINAL: ReadonlySet<SignInState> = new Set(['complete', 'failed', 'expired']);

type Ctx = { flow: FlowSnapshot; event: SignInEvent; now: Date };
type Check = (c: Ctx) => boolean;

/** Every rule of the pipeline, by name; a refused transition reports the first failing name. */
export const CHECKS = {
  flowNotExpired: (c) => c.flow.expiresAt.getTime() > c.now.getTime(),
  flowNotFinished: (c) => !TERMINAL.has(c.flow.state),
  methodOffered: (c) => 'method' in c.event && c.flow.methodsOffered.includes(c.event.method),
  // Usernameless passkey sign-in may verify straight from `identify`; other methods need a name first.
  methodUsableBeforeIdentify: (c) => c.flow.identified || ('method' in c.event && c.event.method === 'passkey'),
  // A verified user must be the identified one (username-first); an unknown name never verifies.
  sameUserAsIdentified: (c) => c.event.type !== 'verified' || !c.flow.identified || c.flow.userId === c.event.userId,
  verifiedUser: (c) => c.flow.userId !== null && c.flow.methodsPerformed.length > 0,
  // Only a flow nobody has entered a name in, or verified anything in, takes over a session's methods.
  nothingVerifiedYet: (c) => !c.flow.identified && c.flow.userId === null && c.flow.methodsPerformed.length === 0,
  carriesMethods: (c) => c.event.type === 'sessionCarried' && c.event.methods.length > 0,
  verifyingThatMethod: (c) => 'method' in c.event && (c.flow.state === VERIFY_STATE[c.event.method] || (c.flow.state === 'identify' && c.event.method === 'passkey')),
} satisfies Record<string, Check>;

export type SignInCheck = keyof typeof CHECKS;

/** Which checks guard each event, in order. */
export const TRANSITIONS: Record<SignInEvent['type'], { from: readonly SignInState[]; checks: readonly SignInCheck[] }> = {
  identified: { from: ['identify', 'chooseMethod'], checks: ['flowNotExpired', 'flowNotFinished'] },
  methodChosen: { from: ['identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyTap', 'chooseSecondFactor', 'verifyOath'], checks: ['flowNotExpired', 'flowNotFinished', 'methodOffered', 'methodUsableBeforeIdentify'] },
  verified: { from: ['identify', 'verifyPasskey', 'verifyPassword', 'verifyTap', 'verifyOath'], checks: ['flowNotExpired', 'flowNotFinished', 'methodOffered', 'verifyingThatMethod', 'sameUserAsIdentified'] },
  verificationFailed: { from: ['identify', 'verifyPasskey', 'verifyPassword', 'verifyTap', 'verifyOath'], checks: ['flowNotExpired', 'flowNotFinished'] },
  sessionCarried: { from: ['identify'], checks: ['flowNotExpired', 'flowNotFinished', 'nothingVerifiedYet', 'carriesMethods'] },
  restart: { from: ['chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyTap', 'chooseSecondFactor', 'verifyOath'], checks: ['flowNotExpired', 'flowNotFinished'] },
  abort: { from: ['identify', 'chooseMethod', 'verifyPasskey', 'verifyPassword', 'verifyTap', 'registrationRequired', 'registrationCampaign', 'chooseSecondFactor', 'verifyOath'], checks: [] },
  // Issue 4 item 7: after verification, the registration interrupt (no method satisfies what is required)
  // or the registration campaign's nudge holds the flow until a passkey is registered (or, for the nudge, snoozed).
  interrupt: { from: ['complete'], checks: ['flowNotExpired', 'verifiedUser'] },
  registered: { from: ['registrationRequired', 'registrationCampaign'], checks: ['flowNotExpired'] },
  snoozed: { from: ['registrationCampaign'], checks: ['flowNotExpired'] },
  secondFactorRequired: { from: ['complete'], checks: ['flowNotExpired', 'verifiedUser'] },
  denied: { from: ['complete'], checks: ['verifiedUser'] },
};

export type TransitionResult = { ok: true; flow: FlowSnapshot } | { ok: false; check: SignInCheck | 'wrongState'; expired: boolean };

/** The methods the flow offers before a name is entered: usernameless passkey only. */
export const METHODS_BEFORE_IDENTIFY: SignInMethod[] = ['passkey'];

/** The pure core: applies `event` to `flow` at `now`. */
export function transition(flow: FlowSnapshot, event: SignInEvent, now: Date): TransitionResult {
  const rule = TRANSITIONS[event.type];
  const c: Ctx = { flow, event, now };
  for (const name of rule.checks) if (!CHECKS[name](c)) return { ok: false, check: name, expired: name === 'flowNotExpired' };
  if (!rule.from.includes(flow.state)) return { ok: false, check: 'wrongState', expired: false };
  switch (event.type) {
    case 'identified':
      return ok({ ...flow, state: 'chooseMethod', userId: event.userId, identified: true, methodsOffered: event.methodsOffered, failureReason: null });
    case 'methodChosen':
      return ok({ ...flow, state: VERIFY_STATE[event.method] });
    case 'verified':
      return ok({
        ...flow,
        state: 'complete',
        userId: event.userId,
        identified: true,
        methodsPerformed: [...flow.methodsPerformed, { method: event.method, at: now.toISOString(), amr: event.amr, ...(event.tap ? { tap: event.tap } : {}), ...(event.mode ? { mode: event.mode } : {}), ...(event.aaGuid ? { aaGuid: event.aaGuid } : {}) }],
        failureReason: null,
      });
    case 'verificationFailed': {
      const failures = flow.failures + 1;
      return ok({ ...flow, failures, failureReason: event.reason, state: failures >= MAX_FLOW_FAILURES ? 'failed' : flow.state });
    }
    case 'sessionCarried':
      // Like a verification that already happened: Conditional Access (ca-step.ts) runs next and asks only for what is missing.
      return ok({ ...flow, state: 'complete', userId: event.userId, identified: true, methodsPerformed: event.methods, failureReason: null });
    case 'restart':
      // Methods already verified belong to the previous account: a second factor's "use another account" starts from nothing.
      return ok({ ...flow, state: 'identify', userId: null, identified: false, methodsOffered: METHODS_BEFORE_IDENTIFY, methodsPerformed: [], failureReason: null });
    case 'interrupt':
      // entra-spec §7.6: the registration session lasts 15 minutes from the interrupt.
      return ok({ ...flow, state: event.state, expiresAt: new Date(now.getTime() + REGISTRATION_SESSION_MS) });
    case 'registered':
    case 'snoozed':
      return ok({ ...flow, state: 'complete' });
    case 'secondFactorRequired':
      return ok({ ...flow, state: 'chooseSecondFactor', methodsOffered: event.methodsOffered, failureReason: event.reason });
    case 'denied':
      return ok({ ...flow, state: 'failed', failureReason: event.reason });
    case 'abort':
      return ok({ ...flow, state: flow.expiresAt.getTime() <= now.getTime() ? 'expired' : 'failed', failureReason: event.reason });
  }
}

const ok = (flow: FlowSnapshot): TransitionResult => ({ ok: true, flow });
