import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { errors } from 'oidc-provider';
import type { DB } from '../store/schema.ts';
import type { PerformedMode } from '../policy/strengths/types.ts';
import { evaluate } from '../policy/conditional-access/evaluate.ts';
import { platformFromUserAgent } from '../policy/conditional-access/platform.ts';
import { readSignInSubject } from '../policy/conditional-access/subject-repository.ts';
import { loadCompiledPolicies } from '../policy/conditional-access/load.ts';
import { satisfies } from '../policy/strengths/satisfies.ts';
import { builtInStrength } from '../policy/strengths/builtins.ts';
import { BUILT_IN_STRENGTH } from '../policy/strengths/modes.ts';
import { findServicePrincipal } from '../applications/service-principals-repository.ts';
import { sessionMethods } from '../signin/step-up.ts';
import { modesOf } from '../signin/registration-interrupt.ts';
import { CLIENT_APP_TYPE, clientAppUsedOf } from '../signin/client-app.ts';
import { FIRST_PARTY_CLIENT_IDS } from '../signin/first-party.ts';
import { appliedPolicies, SIGNIN_ERROR } from '../signin/signin-log-entry.ts';
import { decideRefresh } from '../signin/refresh-decision.ts';
import { appendNonInteractiveSignIn, findRefreshSignIn, findRefreshUser, recordRefreshSignIn } from './refresh-repository.ts';

/** What the checks read of oidc-provider's context (its KoaContextWithOIDC). */
export type RefreshCtx = {
  ip?: string;
  get?(h: string): string;
  oidc: { route?: string; params?: { grant_type?: unknown }; client?: { clientId: string; applicationType?: string } };
};
/** What they read of a RefreshToken / AuthorizationCode model. */
export type TokenModel = {
  kind?: string;
  accountId?: string;
  clientId?: string;
  authTime?: number;
  amr?: string[];
  /** The grants behind a refresh token, space-separated (oidc-provider: `device_code`, then `refresh_token` once rotated). */
  gty?: string;
  destroy?(): Promise<void>;
};

const MODE_LABEL: Record<string, string> = {
  password: 'Password',
  fido2: 'Passkey',
  softwareOath: 'OATH verification code',
  hardwareOath: 'OATH verification code',
  temporaryAccessPassOneTime: 'Temporary Access Pass',
  temporaryAccessPassMultiUse: 'Temporary Access Pass',
};

/**
 * The sign-in behind a token or session (`auth_time` in seconds): its methods as Conditional
 * Access modes and when it completed (ms). From `refresh_sign_ins` (recorded at the first refresh
 * token), else the sign-in flow (kept a day), else what `amr` proves (RFC 8176: `pwd` → password,
 * `hwk`/`swk` → passkey; `otp` alone is not attributed), at `auth_time`.
 */
export async function signInOf(
  db: Kysely<DB>,
  userId: string,
  authTime: number,
  amr: readonly string[] = [],
): Promise<{ performed: PerformedMode[]; at: number }> {
  const recorded = await findRefreshSignIn(db, userId, authTime);
  const flow = recorded ? undefined : await sessionMethods(db, userId, authTime);
  const at = new Date(authTime * 1000).toISOString();
  const performed =
    recorded ??
    (flow
      ? modesOf(flow)
      : [
          ...(amr.includes('pwd') ? [{ mode: 'password', at }] : []),
          ...(amr.includes('hwk') || amr.includes('swk') ? [{ mode: 'fido2', at }] : []),
        ]);
  const times = performed.map((p) => (p.at ? Date.parse(p.at) : NaN)).filter((t) => !Number.isNaN(t));
  return { performed, at: times.length ? Math.max(...times) : authTime * 1000 };
}

/** `issueRefreshToken` side: records the methods of the code's sign-in while its flow row still exists. */
export function createRefreshSignInRecorder(db: Kysely<DB>, logger: Pick<Logger, 'warn'>) {
  return async (code: TokenModel): Promise<void> => {
    if (!code.accountId || typeof code.authTime !== 'number') return;
    try {
      const flow = await sessionMethods(db, code.accountId, code.authTime);
      if (flow) await recordRefreshSignIn(db, code.accountId, code.authTime, modesOf(flow));
    } catch (err) {
      logger.warn({ err }, 'recording the sign-in of a refresh token failed; refreshes fall back to its amr');
    }
  };
}

/**
 * Conditional Access again at every refresh_token grant (ADR 0017; entra-spec §1.4): called by
 * the provider before the refresh token's account is loaded (provider.ts `refreshCheck`), so
 * before anything is consumed or issued. Reads the user, the app and the policies now, decides
 * with the methods and time of the original sign-in (signin/refresh-decision.ts), and writes a
 * non-interactive sign-in log entry. On refusal the refresh token is destroyed and the grant
 * answers `invalid_grant` with the reason as `error_description`.
 */
export function createRefreshCheck(db: Kysely<DB>, logger: Pick<Logger, 'warn'>) {
  return async (ctx: RefreshCtx, token: TokenModel): Promise<void> => {
    const userId = token.accountId!;
    const clientId = token.clientId ?? ctx.oidc.client?.clientId ?? '';
    const authTime = typeof token.authTime === 'number' ? token.authTime : 0;
    const clientAppUsed = clientAppUsedOf(null, ctx.oidc.client?.applicationType === 'native' ? 'native' : 'web');
    const now = new Date();
    const [user, sp, signIn, compiled, subject] = await Promise.all([
      findRefreshUser(db, userId),
      FIRST_PARTY_CLIENT_IDS.has(clientId) ? Promise.resolve({ account_enabled: true }) : findServicePrincipal(db, clientId, 'appId'),
      signInOf(db, userId, authTime, token.amr),
      loadCompiledPolicies(db),
      readSignInSubject(db, userId),
    ]);
    // The device platform only when the token request's User-Agent names one (a SPA's browser, a
    // mobile app's HTTP stack). A web app's server names none: then policies conditioned on the
    // platform are not applied again (it was checked at sign-in and a session keeps its device);
    // `unknown` would instead make "all platforms except …" blocks refuse every such refresh.
    const platform = platformFromUserAgent(ctx.get?.('user-agent'));
    const evaluation = evaluate(
      {
        userId,
        groupIds: subject.groupIds,
        roleIds: subject.roleIds,
        target: { kind: 'application', appId: clientId },
        ipAddress: ctx.ip ?? null,
        devicePlatform: platform === 'unknown' ? undefined : platform,
        clientAppType: CLIENT_APP_TYPE[clientAppUsed],
        signInRiskLevel: 'none',
        userRiskLevel: 'none',
        country: 'unknown',
        deviceIsCompliant: false,
        performed: signIn.performed,
        now: now.getTime(),
      },
      compiled,
      { includeAll: true },
    );
    const perUser = subject.perUserMfaState;
    const mfa = satisfies(builtInStrength(BUILT_IN_STRENGTH.mfa)!, signIn.performed).satisfied;
    const d = decideRefresh({
      user,
      appEnabled: !!sp?.account_enabled,
      signedInAt: signIn.at,
      performed: signIn.performed,
      evaluation,
      perUserMfaMissing: perUser === 'enforced' && !mfa,
    });
    if (user) {
      const { applied, status } = appliedPolicies(evaluation.policies, compiled);
      await appendNonInteractiveSignIn(db, {
        flowId: null,
        userId,
        userPrincipalName: user.userPrincipalName,
        appId: clientId,
        ipAddress: ctx.ip ?? null,
        clientAppUsed,
        errorCode: d.ok ? SIGNIN_ERROR.success : d.errorCode,
        failureReason: d.ok ? null : d.description,
        conditionalAccessStatus: status,
        appliedConditionalAccessPolicies: applied,
        authenticationDetails: signIn.performed.map((p) => ({
          authenticationMethod: `${MODE_LABEL[p.mode] ?? p.mode} (previously satisfied)`,
          succeeded: true,
          authenticationStepDateTime: p.at ?? new Date(authTime * 1000).toISOString(),
        })),
        authenticationRequirement: mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
        correlationId: null,
        // Tokens a device code brought keep saying so at every refresh (Graph's originalTransferMethod).
        ...(token.gty?.split(' ').includes('device_code') ? { originalTransferMethod: 'deviceCodeFlow' as const } : {}),
        at: now,
      }).catch((err: unknown) => logger.warn({ err }, 'writing the sign-in log entry of a refresh failed'));
    }
    if (d.ok) return;
    await token.destroy?.();
    const e = new errors.InvalidGrant!(`refresh refused: ${d.refusal}`);
    throw Object.assign(e, { error_description: d.description });
  };
}

/**
 * The SSO session was signed in before the user's `signInSessionsValidFromDateTime`
 * (revokeSignInSessions): the login prompt is requested, so the next /authorize asks to sign in
 * again (and `prompt=none` answers `login_required`). One primary-key read per authorization
 * with a session; the sign-in's exact time is read only when the session's second is the
 * revocation's second.
 */
export function createSessionRevokedCheck(db: Kysely<DB>) {
  return async (ctx: { oidc: { session?: { accountId?: string; loginTs?: number; amr?: string[] } } }): Promise<boolean> => {
    const s = ctx.oidc.session;
    if (!s?.accountId || typeof s.loginTs !== 'number') return false;
    const user = await findRefreshUser(db, s.accountId);
    const from = user?.signInSessionsValidFrom?.getTime();
    if (from === undefined) return false;
    if (s.loginTs * 1000 >= from) return false;
    if ((s.loginTs + 1) * 1000 <= from) return true;
    return (await signInOf(db, s.accountId, s.loginTs, s.amr)).at < from;
  };
}
