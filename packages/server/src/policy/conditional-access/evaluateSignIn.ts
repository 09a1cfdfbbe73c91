import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { readSignInSubject, type SignInSubject } from './subject-repository.ts';
import type { PerformedMode } from '../strengths/types.ts';
import { evaluate, type Evaluation } from './evaluate.ts';
import { loadCompiledPolicies } from './load.ts';
import { platformFromUserAgent } from './platform.ts';
import { REGISTER_SECURITY_INFO } from './types.ts';
import { CLIENT_APP_TYPE, clientAppUsedOf } from '../../signin/client-app.ts';

export interface SignInRequest {
  db: Kysely<DB>;
  userId: string;
  /** The application being signed into (client id / appId) … */
  appId?: string | undefined;
  /** … or a user action, e.g. `urn:user:registersecurityinfo` (default when no appId). */
  userAction?: string | undefined;
  /** `clientIpOf(request)`. */
  ip: string | null;
  userAgent: string | null | undefined;
  /** Methods performed in this session, as modes (`LATCHKEY_METHOD_MODES`), with `at` for sign-in frequency. */
  performed: readonly PerformedMode[];
  now?: Date | undefined;
  /** Default: from the User-Agent (`signin/client-app.ts`): `browser`, or `mobileAppsAndDesktopClients` for an app's web view. */
  clientAppType?: string | undefined;
  /** Only when a risk signal exists; otherwise `none`. */
  signInRiskLevel?: string | undefined;
  country?: string | undefined;
  deviceIsCompliant?: boolean | undefined;
  /** The user's groups and roles when the caller read them already (`readSignInSubject`); else read here. */
  subject?: Pick<SignInSubject, 'groupIds' | 'roleIds'> | undefined;
}

/**
 * What the sign-in flow calls: Conditional Access for one user signing into one app (or the
 * registration action) now. Every input an enforcing evaluation needs is filled in: the platform
 * from the User-Agent (`unknown` if it names none), risk `none` without a signal, country
 * `unknown` without a lookup. Returns the decision (allow / block / needs) and every policy's
 * result for the sign-in log, with reasons.
 */
export async function evaluateSignIn(r: SignInRequest): Promise<Evaluation> {
  const [compiled, { groupIds, roleIds }] = await Promise.all([loadCompiledPolicies(r.db), r.subject ?? readSignInSubject(r.db, r.userId)]);
  return evaluate(
    {
      userId: r.userId,
      groupIds,
      roleIds,
      target: r.appId ? { kind: 'application', appId: r.appId } : { kind: 'userAction', action: r.userAction ?? REGISTER_SECURITY_INFO },
      ipAddress: r.ip,
      devicePlatform: platformFromUserAgent(r.userAgent),
      clientAppType: r.clientAppType ?? CLIENT_APP_TYPE[clientAppUsedOf(r.userAgent)], // as the sign-in log's clientAppUsed
      signInRiskLevel: r.signInRiskLevel ?? 'none',
      userRiskLevel: 'none',
      country: r.country ?? 'unknown',
      deviceIsCompliant: r.deviceIsCompliant ?? false,
      performed: r.performed,
      now: (r.now ?? new Date()).getTime(),
    },
    compiled,
    { includeAll: true },
  );
}
