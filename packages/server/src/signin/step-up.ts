import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { PerformedMethod } from './machine.ts';
import { modesOf } from './registration-interrupt.ts';
import { evaluateSignIn } from '../policy/conditional-access/evaluateSignIn.ts';
import { satisfies } from '../policy/strengths/satisfies.ts';
import { builtInStrength } from '../policy/strengths/builtins.ts';
import { BUILT_IN_STRENGTH } from '../policy/strengths/modes.ts';
import type { PerformedMode } from '../policy/strengths/types.ts';
import { perUserMfaState } from '../methods/oath/perUserMfa.ts';
import { listUserTokens } from '../methods/oath/repository.ts';
import { listUserCredentialDescriptors } from '../methods/passkey/credentials-repository.ts';

/** What the check reads of oidc-provider's context (its KoaContextWithOIDC). */
type OidcCtx = { ip?: string; get?(h: string): string; oidc: { client?: { clientId: string }; session?: { accountId?: string; amr?: string[]; loginTs?: number } } };

/** A user's last five completed flows, newest first (by index: migration 0024). */
export const lastCompletedFlows = (db: Kysely<DB>, accountId: string) =>
  db.selectFrom('signin_flows').select('methods_performed').where('user_id', '=', accountId).where('state', '=', 'complete').orderBy('updated_at', 'desc').limit(5);

/**
 * The verified methods of the sign-in flow that created an SSO session: the user's last
 * completed flows whose last method is the session's login time (`finishLogin` sets `ts` from
 * it). Undefined when none matches (an older session, or one made elsewhere).
 */
export async function sessionMethods(db: Kysely<DB>, accountId: string, loginTs: number | undefined): Promise<PerformedMethod[] | undefined> {
  if (loginTs === undefined) return undefined;
  const flows = await lastCompletedFlows(db, accountId).execute();
  for (const f of flows) {
    const performed = (typeof f.methods_performed === 'string' ? JSON.parse(f.methods_performed) : f.methods_performed) as PerformedMethod[];
    const last = performed.at(-1);
    if (last && Math.floor(new Date(last.at).getTime() / 1000) === loginTs) return performed;
  }
  return undefined;
}

/**
 * The methods behind an SSO session as modes: those of `sessionMethods`; otherwise what the
 * session's `amr` proves (RFC 8176: `pwd` → password, `hwk`/`swk` → fido2; `otp` alone is not attributed).
 */
async function sessionModes(db: Kysely<DB>, accountId: string, amr: readonly string[], loginTs: number | undefined): Promise<PerformedMode[]> {
  const performed = await sessionMethods(db, accountId, loginTs);
  if (performed) return modesOf(performed);
  return [...(amr.includes('pwd') ? [{ mode: 'password' }] : []), ...(amr.includes('hwk') || amr.includes('swk') ? [{ mode: 'fido2' }] : [])];
}

/**
 * Step-up within the session (issue 4 item 4): an interaction-policy check on oidc-provider's
 * `login` prompt. When a browser with an SSO session asks for an app whose Conditional Access
 * (or the user's per-user MFA) is not satisfied by the session's methods — or blocks — the
 * login prompt is requested instead of silently passing (reason `conditional_access`); the
 * sign-in flow then carries the session's methods over and asks only for what is missing
 * (session-step-up.ts), or explains the refusal.
 * Evaluation errors request the prompt (fail closed).
 */
export function createStepUpCheck(db: Kysely<DB>): (ctx: OidcCtx) => Promise<boolean> {
  return async (ctx) => {
    const accountId = ctx.oidc.session?.accountId;
    const clientId = ctx.oidc.client?.clientId;
    if (!accountId || !clientId) return false; // no session: the login prompt happens anyway
    try {
      const performed = await sessionModes(db, accountId, ctx.oidc.session?.amr ?? [], ctx.oidc.session?.loginTs);
      const [evaluation, perUser] = await Promise.all([
        evaluateSignIn({ db, userId: accountId, appId: clientId, ip: ctx.ip ?? null, userAgent: ctx.get?.('user-agent'), performed }),
        perUserMfaState(db, accountId),
      ]);
      if (evaluation.decision.decision !== 'allow') return true;
      if (perUser === 'disabled' || satisfies(builtInStrength(BUILT_IN_STRENGTH.mfa)!, performed).satisfied) return false;
      if (perUser === 'enforced') return true;
      // Enabled (§7.1): only once the user holds a second method (as ca-step.ts decides).
      const [tokens, passkeys] = await Promise.all([listUserTokens(db, accountId), listUserCredentialDescriptors(db, accountId)]);
      return passkeys.length > 0 || tokens.some((t) => t.status === 'activated');
    } catch {
      return true;
    }
  };
}
