import { hash } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { badRequest, notFound } from '../../errors.ts';
import { assertMayManageMethodsOf } from './authorize.ts';
import { ARGON2_OPTIONS, normalizePassword, passwordProblem } from './params.ts';
import { findUser, storePassword } from './repository.ts';

/** argon2id PHC string of a (normalised) password with Latchkey's parameters (`params.ts`). */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2_OPTIONS);
}

/**
 * An administrator sets (or resets) a user's password, which turns the password method on for
 * that user (G authenticationMethod-resetPassword). The hash is computed before the transaction
 * so no lock is held during argon2; the row and its audit entry commit together. The audit entry
 * names the user and the method, never the password.
 */
export async function setPassword(
  db: Kysely<DB>,
  ctx: RequestContext,
  userIdOrUpn: string,
  newPassword: string,
): Promise<{ userId: string; createdDateTime: string }> {
  const user = await findUser(db, userIdOrUpn);
  if (!user) throw notFound('user', userIdOrUpn);
  await assertMayManageMethodsOf(db, ctx.principal, user.id);
  const problem = passwordProblem(newPassword);
  if (problem) throw badRequest(problem);
  const phc = await hashPassword(newPassword);
  const setAt = await db.transaction().execute(async (trx) => {
    const at = await storePassword(trx, user.id, phc);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Reset user password',
      operationType: 'Update',
      targets: [{ id: user.id, type: 'User', userPrincipalName: user.userPrincipalName, displayName: user.displayName }],
      details: { authenticationMethod: 'password', passwordEnabled: 'true' },
    });
    return at;
  });
  return { userId: user.id, createdDateTime: setAt.toISOString() };
}
