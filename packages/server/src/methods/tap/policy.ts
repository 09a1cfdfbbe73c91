import type { TemporaryAccessPassConfiguration } from '../../policy/authentication-methods/types.ts';
import type { UserMethodPolicy } from '../../policy/authentication-methods/methodsEnabledFor.ts';

/** Graph `methodUsabilityReason` values (entra-spec §3.2), in Graph's spelling. */
export type MethodUsabilityReason = 'EnabledByPolicy' | 'DisabledByPolicy' | 'Expired' | 'NotYetValid' | 'OneTimeUsed';

/** What a stored pass looks like to the pure rules (no hash). */
export interface TapFacts {
  startDateTime: Date;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  usedAt: Date | null;
}

/** The end of a pass's validity window: `startDateTime + lifetimeInMinutes` (entra-spec §3.3). */
export const endOf = (t: Pick<TapFacts, 'startDateTime' | 'lifetimeInMinutes'>): Date =>
  new Date(t.startDateTime.getTime() + t.lifetimeInMinutes * 60_000);

/** The TAP configuration the user is in scope of, or undefined when the method is not enabled for them. */
export function tapConfigFor(policy: UserMethodPolicy): TemporaryAccessPassConfiguration | undefined {
  return policy.enabled.has('TemporaryAccessPass') ? policy.configurations.TemporaryAccessPass : undefined;
}

/**
 * Whether a pass can be used now, and why (entra-spec §3.2/§3.3), first match wins:
 * - `DisabledByPolicy`: the user is not in scope of an enabled TAP policy, or the pass is
 *   multi-use while the policy now says `isUsableOnce` ("blocked due to User Credential Policy");
 * - `OneTimeUsed`: a one-time pass already redeemed;
 * - `NotYetValid`: before `startDateTime`;
 * - `Expired`: at or after `startDateTime + lifetimeInMinutes`;
 * - `EnabledByPolicy`: usable.
 */
export function usabilityOf(
  tap: TapFacts,
  config: TemporaryAccessPassConfiguration | undefined,
  now: Date,
): { isUsable: boolean; reason: MethodUsabilityReason } {
  const reason: MethodUsabilityReason =
    !config || (config.isUsableOnce && !tap.isUsableOnce)
      ? 'DisabledByPolicy'
      : tap.isUsableOnce && tap.usedAt
        ? 'OneTimeUsed'
        : now.getTime() < tap.startDateTime.getTime()
          ? 'NotYetValid'
          : now.getTime() >= endOf(tap).getTime()
            ? 'Expired'
            : 'EnabledByPolicy';
  return { isUsable: reason === 'EnabledByPolicy', reason };
}

export interface IssueRequest {
  startDateTime?: string | undefined;
  lifetimeInMinutes?: number | undefined;
  isUsableOnce?: boolean | undefined;
}

export type IssueDecision =
  | { ok: true; startDateTime: Date; lifetimeInMinutes: number; isUsableOnce: boolean; length: number }
  | { ok: false; status: 400 | 403; message: string };

/**
 * The pure rules of `POST …/temporaryAccessPassMethods` against the user's TAP policy
 * (entra-spec §3.1, §3.2), as a table of named checks (house style §6). Omitted lifetime → the
 * policy default; omitted start → now; `isUsableOnce` is forced on when the policy says so
 * (entra-spec §3.1: "forces every pass in the tenant to be one-time").
 */
export function decideIssue(config: TemporaryAccessPassConfiguration | undefined, req: IssueRequest, now: Date): IssueDecision {
  if (!config)
    return {
      ok: false,
      status: 400,
      message: 'Temporary Access Pass is not enabled for this user in the authentication methods policy (TemporaryAccessPass).',
    };
  const lifetimeInMinutes = req.lifetimeInMinutes ?? config.defaultLifetimeInMinutes;
  const startDateTime = req.startDateTime ? new Date(req.startDateTime) : now;
  const checks: Array<[name: string, failed: boolean, message: string]> = [
    // entra-spec §3.2 (G PR #12187): the range shown is the tenant's min/max.
    [
      'lifetimeInRange',
      lifetimeInMinutes < config.minimumLifetimeInMinutes || lifetimeInMinutes > config.maximumLifetimeInMinutes,
      `Invalid LifetimeInMinutes specified. The valid range between ${config.minimumLifetimeInMinutes} and ${config.maximumLifetimeInMinutes}.`,
    ],
    ['startIsADate', Number.isNaN(startDateTime.getTime()), 'Invalid StartDateTime specified.'],
    [
      'notAlreadyExpired',
      endOf({ startDateTime, lifetimeInMinutes }).getTime() <= now.getTime(),
      'Invalid StartDateTime specified: the pass would already be expired.',
    ],
  ];
  const failed = checks.find(([, f]) => f);
  if (failed) return { ok: false, status: 400, message: failed[2] };
  return {
    ok: true,
    startDateTime,
    lifetimeInMinutes,
    isUsableOnce: config.isUsableOnce || (req.isUsableOnce ?? false),
    length: config.defaultLength,
  };
}
