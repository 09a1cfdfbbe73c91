import type { Evaluation } from '../policy/conditional-access/evaluate.ts';
import type { PerformedMode } from '../policy/strengths/types.ts';

/**
 * Sign-in log error codes of a refused refresh (Entra's AADSTS numbers): 50034 user not found,
 * 50057 user disabled, 7000112 application disabled, 50173 grant revoked (sessions revoked),
 * 53003 blocked by Conditional Access, 50076 strong authentication required, 70044 session
 * expired by sign-in frequency.
 */
export const REFRESH_ERROR = {
  userNotFound: 50034,
  userDisabled: 50057,
  appDisabled: 7000112,
  sessionsRevoked: 50173,
  blockedByCa: 53003,
  strongerAuthRequired: 50076,
  signInFrequency: 70044,
} as const;

export type RefreshRefusal = keyof typeof REFRESH_ERROR;

/** What a refresh is decided on: the directory now, the sign-in behind the token, and Conditional Access now. */
export interface RefreshFacts {
  /** The user now; undefined when deleted. */
  user: { enabled: boolean; signInSessionsValidFrom: Date | null } | undefined;
  /** The app's service principal is enabled (first-party apps: always). */
  appEnabled: boolean;
  /** When the sign-in behind the token completed (ms since epoch; the last method's time, else `auth_time`). */
  signedInAt: number;
  /** The methods of that sign-in, as Conditional Access modes (for the words of the refusal). */
  performed: readonly PerformedMode[];
  /** Conditional Access evaluated now with those methods and the token request's facts. */
  evaluation: Evaluation;
  /** Per-user MFA is `enforced` and the sign-in did not satisfy MFA (entra-spec §7.1). */
  perUserMfaMissing?: boolean;
}

export type RefreshDecision =
  { ok: true } | { ok: false; refusal: RefreshRefusal; errorCode: number; description: string; policies: string[] };

const MODE_WORDS: Record<string, string> = {
  password: 'a password',
  fido2: 'a passkey',
  softwareOath: 'a verification code',
  hardwareOath: 'a verification code',
  temporaryAccessPassOneTime: 'a Temporary Access Pass',
  temporaryAccessPassMultiUse: 'a Temporary Access Pass',
};

/** The performed methods in plain words ("a password and a verification code"). */
export function methodWords(performed: readonly PerformedMode[]): string {
  return [...new Set(performed.map((p) => MODE_WORDS[p.mode] ?? p.mode))].join(' and ') || 'no method Latchkey can name';
}

const refuse = (refusal: RefreshRefusal, description: string, policies: string[] = []): RefreshDecision => ({
  ok: false,
  refusal,
  errorCode: REFRESH_ERROR[refusal],
  description,
  policies,
});

/**
 * Whether a refresh token may be exchanged now (ADR 0017). Entra evaluates the user, the app and
 * Conditional Access again at every refresh (entra-spec §1.4 "at sign-in and at each token
 * refresh"); a refresh cannot prompt, so anything Conditional Access would ask the person for —
 * a stronger method, a fresh sign-in (sign-in frequency, §1.6) — refuses it, and the app must
 * send the user to sign in again. The checks, in order (the first that fails decides):
 *   user exists → user enabled → app enabled → sessions not revoked → CA does not block →
 *   sign-in frequency not elapsed → CA's grants satisfied by the sign-in's methods → per-user MFA.
 * Pure: the caller reads the facts and revokes / logs on refusal.
 */
export function decideRefresh(f: RefreshFacts): RefreshDecision {
  if (!f.user) return refuse('userNotFound', 'The user no longer exists. Sign in again.');
  if (!f.user.enabled) return refuse('userDisabled', 'The user account is disabled. Sign in again once an administrator enables it.');
  if (!f.appEnabled) return refuse('appDisabled', 'The application is disabled in this directory.');
  // Graph user.signInSessionsValidFromDateTime: sign-ins before it were revoked (revokeSignInSessions).
  if (f.user.signInSessionsValidFrom && f.signedInAt < f.user.signInSessionsValidFrom.getTime())
    return refuse('sessionsRevoked', 'The sign-in sessions of this user were revoked. Sign in again.');
  const d = f.evaluation.decision;
  const named = (ids: readonly string[]) => f.evaluation.policies.filter((p) => ids.includes(p.id)).map((p) => p.displayName);
  if (d.decision === 'block')
    return refuse(
      'blockedByCa',
      `Conditional Access now blocks access to this app (${named(d.blockedBy).join(', ')}). Sign in again; ask your administrator if you need access.`,
      d.blockedBy,
    );
  if (d.decision === 'needs') {
    const ids = d.needs.map((n) => n.policyId);
    if (d.needs.some((n) => n.reauthenticate))
      return refuse(
        'signInFrequency',
        `Conditional Access now requires a fresh sign-in for this app (sign-in frequency of ${named(ids).join(', ')}). Sign in again.`,
        ids,
      );
    return refuse(
      'strongerAuthRequired',
      `Conditional Access now requires ${requiredWords(d.needs)} for this app; the session signed in with ${methodWords(f.performed)}. Sign in again.`,
      ids,
    );
  }
  if (f.perUserMfaMissing)
    return refuse(
      'strongerAuthRequired',
      `Multifactor authentication is now required of this user; the session signed in with ${methodWords(f.performed)}. Sign in again.`,
    );
  return { ok: true };
}

/** What the unmet policies need, in plain words ("Phishing-resistant MFA or a compliant device"). */
function requiredWords(needs: Extract<Evaluation['decision'], { decision: 'needs' }>['needs']): string {
  const names = new Set<string>();
  for (const n of needs)
    for (const way of n.anyOf)
      for (const r of way)
        names.add(r.kind === 'authenticationStrength' ? r.displayName : r.kind === 'compliantDevice' ? 'a compliant device' : r.control);
  return [...names].join(' or ') || 'a stronger sign-in';
}
