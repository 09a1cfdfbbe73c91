import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import type { StoredFlow } from './repository.ts';
import { errorCodeOf, failureTextOf, logAttempt } from './signin-log-entry.ts';

/**
 * Records a refused verification in the sign-in log (`GET /auditLogs/signIns`,
 * docs/signin-logs.md), with its reason; a successful one is logged by the Conditional Access
 * step that follows (ca-step.ts), with the per-policy results. Sign-ins are not written
 * to the directory audit trail — as in Entra, where they are signIns, not directoryAudits — so
 * a sign-in does not queue on the audit chain's single lock (ADR 0012). Never records the typed
 * password; an unknown name is recorded as typed (for the admin).
 */
export async function logRefusal(db: Kysely<DB>, ctx: RequestContext, flow: StoredFlow, e: { method: string; reason: string }): Promise<void> {
  await logAttempt(db, ctx, flow, { errorCode: errorCodeOf(e.reason), failureReason: failureTextOf(e.reason), failed: { method: e.method }, now: new Date() });
}
