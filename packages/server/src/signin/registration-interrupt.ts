import type { SignInDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { PerformedMethod } from './machine.ts';
import type { StoredFlow } from './repository.ts';
import { decideCampaign, loadSnoozes, type CampaignDecision } from './registration-campaign.ts';
import { listUserCredentialDescriptors } from '../methods/passkey/credentials-repository.ts';
import { loadMethodsEnabledFor } from '../policy/authentication-methods/forUser.ts';
import { loadPolicy } from '../policy/authentication-methods/repository.ts';
import { transitiveGroupIdsOfUser } from '../directory/membership-repository.ts';
import { evaluateSignIn } from '../policy/conditional-access/evaluateSignIn.ts';
import type { PerformedMode } from '../policy/strengths/types.ts';
import { REGISTER_SECURITY_INFO } from '../policy/conditional-access/types.ts';

/** Why the flow stops for registration, or that it does not. */
export type RegistrationNeed =
  | { kind: 'none' }
  | {
      kind: 'required';
      reason: 'oneTimeTap' | 'passkeyRegistrationRequired' | 'conditionalAccess' | 'campaignSnoozesUsed';
      message: string;
    }
  | { kind: 'campaign'; snoozesLeft: number | null };

/** What the decision looks at; loaded by `registrationNeedOf`, pure below. */
export interface RegistrationFacts {
  hasPasskey: boolean;
  /** Fido2 is enabled for the user and self-service registration is on. */
  canSelfRegisterPasskey: boolean;
  /** A Fido2 include target naming the user says `isRegistrationRequired`. */
  passkeyRegistrationRequired: boolean;
  /** This sign-in used a one-time TAP (entra-spec §3.3: register within 10 minutes). */
  signedInWithOneTimeTap: boolean;
  /**
   * Conditional Access hook: the app's policies need something the user's registered methods
   * cannot give and a passkey would (undefined: not evaluated / engine unavailable).
   */
  conditionalAccessNeedsPasskey: boolean | undefined;
  campaign: CampaignDecision;
}

/** The interrupt's rules in order (house style §6); the first that fires decides. */
export const REGISTRATION_RULES: ReadonlyArray<{
  name: string;
  fires(f: RegistrationFacts): boolean;
  need: (f: RegistrationFacts) => RegistrationNeed;
}> = [
  { name: 'hasPasskeyOrCannotRegister', fires: (f) => f.hasPasskey || !f.canSelfRegisterPasskey, need: () => ({ kind: 'none' }) },
  {
    name: 'conditionalAccessNeedsPasskey',
    fires: (f) => f.conditionalAccessNeedsPasskey === true,
    need: () => ({
      kind: 'required',
      reason: 'conditionalAccess',
      message: 'Your organisation requires a passkey to use this app. Set one up now to continue.',
    }),
  },
  {
    name: 'oneTimeTapMustRegister',
    fires: (f) => f.signedInWithOneTimeTap,
    need: () => ({
      kind: 'required',
      reason: 'oneTimeTap',
      message: 'You signed in with a one-time Temporary Access Pass. Set up your passkey now: the pass will not work again.',
    }),
  },
  {
    name: 'policyRequiresPasskey',
    fires: (f) => f.passkeyRegistrationRequired,
    need: () => ({
      kind: 'required',
      reason: 'passkeyRegistrationRequired',
      message: 'Your organisation requires you to set up a passkey.',
    }),
  },
  {
    name: 'campaignForced',
    fires: (f) => f.campaign.nudge && f.campaign.forced,
    need: () => ({
      kind: 'required',
      reason: 'campaignSnoozesUsed',
      message: 'You have postponed setting up a passkey as often as your organisation allows. Set it up now.',
    }),
  },
  {
    name: 'campaignNudge',
    fires: (f) => f.campaign.nudge,
    need: (f) => ({ kind: 'campaign', snoozesLeft: f.campaign.nudge ? f.campaign.snoozesLeft : null }),
  },
];

/** The pure decision: the first rule that fires, or none. */
export function decideRegistration(f: RegistrationFacts): RegistrationNeed {
  return REGISTRATION_RULES.find((r) => r.fires(f))?.need(f) ?? { kind: 'none' };
}

/** A flow's performed methods as authentication method modes (entra-spec §2.2; `LATCHKEY_METHOD_MODES`). */
export function modesOf(performed: readonly PerformedMethod[]): PerformedMode[] {
  return performed.map((p) => ({
    mode:
      p.mode ?? // OATH: hardwareOath / softwareOath (oath-step.ts)
      (p.method === 'passkey'
        ? 'fido2'
        : p.method === 'password'
          ? 'password'
          : p.method === 'tap' && p.tap && !p.tap.isUsableOnce
            ? 'temporaryAccessPassMultiUse'
            : 'temporaryAccessPassOneTime'),
    ...(p.aaGuid ? { aaGuid: p.aaGuid } : {}), // AAGUID-restricted strengths (entra-spec §2.4)
    at: p.at,
  }));
}

export interface RequestFacts {
  ip: string | null;
  userAgent: string | null | undefined;
}

/**
 * Conditional Access hook (issue 4 item 4/7): evaluates the app for the methods the user could
 * perform today (a usable TAP counts only if this sign-in used it); when that still needs more
 * and a passkey would satisfy it, registration is the way in. Undefined when the engine fails.
 */
async function conditionalAccessNeedsPasskey(
  deps: SignInDeps,
  flow: StoredFlow,
  req: RequestFacts,
  hasPassword: boolean,
): Promise<boolean | undefined> {
  try {
    const base = { db: deps.db, userId: flow.userId!, appId: flow.clientId, ip: req.ip, userAgent: req.userAgent, now: nowOf(deps) };
    const today: PerformedMode[] = [...modesOf(flow.methodsPerformed), ...(hasPassword ? [{ mode: 'password' }] : [])];
    const now = await evaluateSignIn({ ...base, performed: today });
    if (now.decision.decision !== 'needs') return false;
    const withPasskey = await evaluateSignIn({ ...base, performed: [...today, { mode: 'fido2' }] });
    return withPasskey.decision.decision === 'allow';
  } catch {
    return undefined;
  }
}

/** Loads the facts for a just-verified flow and decides. */
export async function registrationNeedOf(deps: SignInDeps, flow: StoredFlow, req: RequestFacts): Promise<RegistrationNeed> {
  if (!flow.userId) return { kind: 'none' };
  const userId = flow.userId;
  const now = nowOf(deps);
  // The group walk once, for the methods policy and the campaign's targets alike.
  const groupsRead = transitiveGroupIdsOfUser(deps.db, userId);
  const [passkeys, methods, policy, groups, snoozes] = await Promise.all([
    listUserCredentialDescriptors(deps.db, userId),
    groupsRead.then((g) => loadMethodsEnabledFor(deps.db, userId, g)),
    loadPolicy(deps.db),
    groupsRead,
    loadSnoozes(deps.db, userId),
  ]);
  const fido2 = methods.methods.find((m) => m.methodId === 'Fido2');
  const hasPasskey = passkeys.length > 0;
  const last = flow.methodsPerformed.at(-1);
  const facts: RegistrationFacts = {
    hasPasskey,
    canSelfRegisterPasskey: !!fido2?.canSelfRegister,
    passkeyRegistrationRequired: !!fido2?.isRegistrationRequired,
    signedInWithOneTimeTap: last?.method === 'tap' && !!last.tap?.isUsableOnce,
    conditionalAccessNeedsPasskey: hasPasskey
      ? false
      : await conditionalAccessNeedsPasskey(
          deps,
          flow,
          req,
          methods.enabled.has('Password') && flow.methodsPerformed.some((p) => p.method === 'password'),
        ),
    campaign: decideCampaign(
      policy.registrationEnforcement.authenticationMethodsRegistrationCampaign,
      { id: userId, groupIds: new Set(groups), hasPasskey },
      snoozes,
      now,
    ),
  };
  const need = decideRegistration(facts);
  // The catch-22 (entra-spec §2.5, §1.3): no interrupt that Conditional Access would refuse at "Set up now"
  // (assertMayRegister in registration-step.ts); the caller then refuses the sign-in in plain words instead.
  if (need.kind !== 'none' && (await registrationPermitted(deps, flow, req)) === false) return { kind: 'none' };
  return need;
}

/**
 * Whether Conditional Access lets this flow register security info (`urn:user:registersecurityinfo`,
 * strengths on the action preferred over All-resources ones) with the methods performed: the
 * same evaluation `registration-step.ts` enforces. Undefined when the engine fails (not enforced there either).
 */
async function registrationPermitted(deps: SignInDeps, flow: StoredFlow, req: RequestFacts): Promise<boolean | undefined> {
  try {
    const e = await evaluateSignIn({ db: deps.db, userId: flow.userId!, userAction: REGISTER_SECURITY_INFO, ip: req.ip, userAgent: req.userAgent, performed: modesOf(flow.methodsPerformed), now: nowOf(deps) });
    return e.decision.decision === 'allow';
  } catch {
    return undefined;
  }
}

/**
 * Called right after a method verified (password, TAP): holds a complete flow in
 * `registrationRequired` or `registrationCampaign` when the user should register a passkey
 * first (issue 4 item 7); otherwise returns the flow unchanged.
 */
export async function registrationInterrupt(deps: SignInDeps, flow: StoredFlow, req: RequestFacts): Promise<StoredFlow> {
  if (flow.state !== 'complete') return flow;
  const need = await registrationNeedOf(deps, flow, req);
  if (need.kind === 'none') return flow;
  return applyEvents(deps, flow, [
    { type: 'interrupt', state: need.kind === 'required' ? 'registrationRequired' : 'registrationCampaign' },
  ]);
}
