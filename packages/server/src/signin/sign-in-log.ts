import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAuditGrouped } from '../audit/group-commit.ts';
import type { StoredFlow } from './repository.ts';
import { errorCodeOf, failureTextOf, logAttempt } from './signin-log-entry.ts';

/**
 * Writes a sign-in attempt to the audit trail (category Authentication, Entra's "Sign-in
 * activity"); issue 4 turns these into `/auditLogs/signIns` rows with per-policy results.
 * Never records the typed password; an unknown name is recorded as typed (for the admin).
 */
export async function logSignIn(db: Kysely<DB>, ctx: RequestContext, flow: StoredFlow, e: { method: string; result: 'success' | 'failure'; reason?: string }): Promise<void> {
  // Group commit: concurrent sign-ins share one audit-chain transaction (audit/group-commit.ts).
  await recordAuditGrouped(db, ctx, {
    category: 'Authentication',
    activity: 'Sign-in activity',
    operationType: 'Other',
    result: e.result,
    ...(e.reason ? { resultReason: e.reason } : {}),
    targets: flow.userId ? [{ id: flow.userId, type: 'User', userPrincipalName: flow.loginHint }] : [],
    details: {
      flowId: flow.id,
      clientId: flow.clientId,
      method: e.method,
      ...(flow.loginHint && !flow.userId ? { enteredName: flow.loginHint.slice(0, 256) } : {}),
    },
  });
  // The sign-in log (GET /auditLogs/signIns): failed verifications here; outcomes after Conditional Access in ca-step.ts.
  if (e.result === 'failure') await logAttempt(db, ctx, flow, { errorCode: errorCodeOf(e.reason), failureReason: failureTextOf(e.reason), failed: { method: e.method }, now: new Date() });
}
