import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import type { SignInDeps } from './deps.ts';
import { applyEvents } from './flows.ts';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { logSignIn } from './sign-in-log.ts';

/** A first-start setup link lives 24 hours (then `npm start` prints a new one). */
export const BOOTSTRAP_LINK_TTL_MS = 24 * 3_600_000;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * Issues a one-time setup link for `userId` (the first Global Administrator): a 256-bit
 * secret, stored only as its SHA-256 (a random secret needs no slow hash), valid 24 h.
 * Earlier unused links of the user are revoked. Issue 4 replaces this with a Temporary Access
 * Pass behind the same `bootstrapLink` method of the sign-in flow.
 */
export async function issueBootstrapLink(db: Kysely<DB>, ctx: RequestContext, userId: string, now = new Date()): Promise<{ secret: string; expiresAt: Date }> {
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + BOOTSTRAP_LINK_TTL_MS);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('signin_bootstrap_links').where('user_id', '=', userId).where('used_at', 'is', null).execute();
    await trx.insertInto('signin_bootstrap_links').values({ id: randomUUID(), user_id: userId, secret_hash: hashOf(secret), expires_at: expiresAt }).execute();
    await recordAudit(trx, ctx, { category: 'UserManagement', activity: 'Issue first-start setup link', operationType: 'Add', targets: [{ id: userId, type: 'User' }], details: { expiresAt: expiresAt.toISOString() } });
  });
  return { secret, expiresAt };
}

/** True when no user has a passkey yet and a setup link should be printed. */
export async function needsBootstrapLink(db: Kysely<DB>): Promise<boolean> {
  const r = await db.selectFrom('passkey_credentials').select('id').limit(1).executeTakeFirst();
  return !r;
}

/**
 * The `bootstrapLink` method of the flow: consumes the link atomically (of two parallel
 * redemptions one wins) and completes the flow for its user with `amr: ["otp"]`-like facts
 * (a one-time secret). Any unknown, used or expired link answers the same `setupLinkInvalid`.
 */
export async function redeemBootstrapLink(deps: SignInDeps, ctx: RequestContext, flow: StoredFlow, secret: string): Promise<StoredFlow> {
  const now = deps.now?.() ?? new Date();
  const row = await deps.db
    .updateTable('signin_bootstrap_links')
    .set({ used_at: now })
    .where('secret_hash', '=', hashOf(secret))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['user_id'])
    .executeTakeFirst();
  if (!row) throw new SignInError('setupLinkInvalid', 'This setup link is invalid, already used, or expired. Restart Latchkey to print a new one.');
  const flowWithMethod = { ...flow, methodsOffered: [...new Set([...flow.methodsOffered, 'bootstrapLink' as const])] };
  const done = await applyEvents(deps, flowWithMethod, [
    { type: 'identified', userId: row.user_id, methodsOffered: flowWithMethod.methodsOffered },
    { type: 'methodChosen', method: 'bootstrapLink' },
    { type: 'verified', method: 'bootstrapLink', userId: row.user_id, amr: ['otp'] },
  ], { loginHint: 'setup link', accountKey: `user:${row.user_id}` });
  await logSignIn(deps.db, ctx, done, { method: 'bootstrapLink', result: 'success' });
  return done;
}
