import { profilesForTargets, type MethodDecision } from './evaluate.ts';
import { compilePolicy, evaluateCompiled, userKeys } from './compile.ts';
import type {
  AuthenticationMethodTarget,
  AuthenticationMethodsPolicy,
  PasskeyAuthenticationMethodTarget,
  ConfigurationOf,
  MethodConfiguration,
  MethodId,
  MicrosoftAuthenticatorTarget,
  PasskeyProfile,
  SmsTarget,
} from './types.ts';

/** Why a user may or may not add a method themselves (My Security Info, the registration interrupt). */
export type SelfRegistrationReason =
  /** Enabled for the user and self-service registration is on. */
  | 'allowed'
  /** The method is not enabled for the user (see the method's `reason`). */
  | 'methodNotEnabled'
  /** Fido2 with `isSelfServiceRegistrationAllowed: false` (entra-spec §4.3). */
  | 'selfServiceRegistrationDisabled'
  /** Only an administrator can give the user this method: TAP (§3.2), hardware tokens (§6), passwords. */
  | 'administratorIssued'
  /** Latchkey has no way to deliver this method (no telephony or e-mail OTP): Sms, Voice, Email. */
  | 'notAvailableInLatchkey';

/** One method's answer for one user: may they use it, may they register it, and why. */
export interface MethodAvailability extends MethodDecision {
  /** The user may add this method themselves. */
  canSelfRegister: boolean;
  selfRegistrationReason: SelfRegistrationReason;
  /** A matching include target says `isRegistrationRequired: true` (and the method is enabled). */
  isRegistrationRequired: boolean;
  /** Latchkey can perform this method (false for Sms, Voice, Email, kept for Entra round trips). */
  availableInLatchkey: boolean;
  /** One sentence for the console and the sign-in log. */
  explanation: string;
}

/** What the authentication methods policy allows one user, method by method, with reasons. */
export interface UserMethodPolicy {
  userId: string;
  /** Methods the policy enables for the user (entra-spec §7.7: a method counts only if enabled for them). */
  enabled: ReadonlySet<MethodId>;
  /** `enabled` minus methods Latchkey cannot perform: what sign-in and lockout analysis may count on. */
  usable: ReadonlySet<MethodId>;
  /** Methods the user may register themselves. */
  selfRegistrable: ReadonlySet<MethodId>;
  /** One entry per configured method, in catalogue order. */
  methods: MethodAvailability[];
  /** Passkey profiles that apply; a passkey must fully satisfy at least one (entra-spec §4.2). Empty when Fido2 is off. */
  fido2Profiles: PasskeyProfile[];
  /** Authenticator modes granted by the matching include targets; empty when the method is off. */
  authenticatorModes: ReadonlySet<MicrosoftAuthenticatorTarget['authenticationMode']>;
  /** SMS may be used as a first factor (some matching include target has `isUsableForSignIn`). */
  smsUsableForSignIn: boolean;
  /** The configurations evaluated, for callers that need a method's settings (TAP lifetimes, …). */
  configurations: Partial<{ [K in MethodId]: ConfigurationOf<K> }>;
}

/** Configurations Latchkey stores for Entra compatibility but cannot perform. */
export const NOT_AVAILABLE_IN_LATCHKEY: ReadonlySet<MethodId> = new Set<MethodId>(['Sms', 'Voice', 'Email']);

/** Methods a user can never add on their own: an administrator issues, imports or sets them. */
const ADMIN_ISSUED: ReadonlySet<MethodId> = new Set<MethodId>(['TemporaryAccessPass', 'HardwareOath', 'Password']);

/**
 * The pure core the sign-in flow, My Security Info, the TAP and passkey ceremonies and lockout
 * analysis ask: given a user (id and **transitive** group ids) and the policy, which methods
 * may the user use and register, with the reason for each (house style §12). No I/O; see
 * `forUser.ts` for the loader. Exclude always wins; a disabled method never counts.
 */
export function methodsEnabledFor(
  user: { id: string; groupIds: Iterable<string> },
  policy: Pick<AuthenticationMethodsPolicy, 'authenticationMethodConfigurations'> | readonly MethodConfiguration[],
): UserMethodPolicy {
  const configs = Array.isArray(policy)
    ? (policy as readonly MethodConfiguration[])
    : (policy as AuthenticationMethodsPolicy).authenticationMethodConfigurations;
  const keys = userKeys(user.id, user.groupIds);
  const evaluated = compilePolicy(configs).map((c) => ({ config: c.config, ...evaluateCompiled(c, keys) }));
  const methods = evaluated.map((e) => availability(e.config, e.decision, e.includes));
  const configurations: Record<string, MethodConfiguration> = {};
  for (const c of configs) configurations[c.id] = c;
  const includesOf = (id: MethodId) => evaluated.find((e) => e.config.id === id)?.includes ?? [];
  const enabled = new Set(methods.filter((m) => m.enabled).map((m) => m.methodId));
  const fido2 = configs.find((c) => c.id === 'Fido2') as ConfigurationOf<'Fido2'> | undefined;
  return {
    userId: user.id,
    enabled,
    usable: new Set([...enabled].filter((id) => !NOT_AVAILABLE_IN_LATCHKEY.has(id))),
    selfRegistrable: new Set(methods.filter((m) => m.canSelfRegister).map((m) => m.methodId)),
    methods,
    fido2Profiles:
      fido2 && enabled.has('Fido2') ? profilesForTargets(fido2, includesOf('Fido2') as PasskeyAuthenticationMethodTarget[]) : [],
    authenticatorModes: new Set((includesOf('MicrosoftAuthenticator') as MicrosoftAuthenticatorTarget[]).map((t) => t.authenticationMode)),
    smsUsableForSignIn: (includesOf('Sms') as SmsTarget[]).some((t) => t.isUsableForSignIn),
    configurations: configurations as UserMethodPolicy['configurations'],
  };
}

/** `includes`: the include targets naming the user (empty unless the method is enabled for them). */
function availability(
  config: MethodConfiguration,
  decision: MethodDecision,
  includes: readonly AuthenticationMethodTarget[],
): MethodAvailability {
  const selfRegistrationReason: SelfRegistrationReason = !decision.enabled
    ? 'methodNotEnabled'
    : NOT_AVAILABLE_IN_LATCHKEY.has(config.id)
      ? 'notAvailableInLatchkey'
      : ADMIN_ISSUED.has(config.id)
        ? 'administratorIssued'
        : config.id === 'Fido2' && !config.isSelfServiceRegistrationAllowed
          ? 'selfServiceRegistrationDisabled'
          : 'allowed';
  return {
    ...decision,
    canSelfRegister: selfRegistrationReason === 'allowed',
    selfRegistrationReason,
    isRegistrationRequired: decision.enabled && includes.some((t) => t.isRegistrationRequired),
    availableInLatchkey: !NOT_AVAILABLE_IN_LATCHKEY.has(config.id),
    explanation: explain(decision, selfRegistrationReason),
  };
}

const USE: Record<MethodDecision['reason'], (d: MethodDecision) => string> = {
  disabledByPolicy: (d) => `${d.methodId} is disabled in the authentication methods policy`,
  excludedAsUser: (d) => `${d.methodId} excludes this user directly`,
  excludedViaGroup: (d) => `${d.methodId} excludes group ${d.targetId ?? '?'}, which the user is in (exclude wins over include)`,
  notIncluded: (d) => `${d.methodId} is enabled but no include target names this user or their groups`,
  includedAsUser: (d) => `${d.methodId} is enabled for this user directly`,
  includedViaGroup: (d) => `${d.methodId} is enabled through group ${d.targetId ?? '?'}`,
  includedAllUsers: (d) => `${d.methodId} is enabled for all users`,
};

const REGISTER: Record<SelfRegistrationReason, string> = {
  allowed: 'the user may register it',
  methodNotEnabled: 'so the user cannot use or register it',
  selfServiceRegistrationDisabled: 'but self-service registration is turned off (isSelfServiceRegistrationAllowed: false)',
  administratorIssued: 'only an administrator can issue it',
  notAvailableInLatchkey: 'but Latchkey cannot deliver this method, so it is not offered',
};

function explain(d: MethodDecision, r: SelfRegistrationReason): string {
  return `${USE[d.reason](d)}; ${REGISTER[r]}.`;
}
