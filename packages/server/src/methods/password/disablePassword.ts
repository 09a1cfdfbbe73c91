import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { assertMayManageMethodsOf } from './authorize.ts';
import { PASSWORD_METHOD_ID } from './params.ts';
import { clearPassword, findUser } from './repository.ts';

/**
 * Turns a user's password off and forgets its hash (Latchkey extension: `DELETE
 * /users/{id}/authentication/passwordMethods/{id}`; Graph cannot remove a password). 404 when the
 * user has no password, so repeating the call is harmless and says so.
 */
export async function disablePassword(db: Kysely<DB>, ctx: RequestContext, userIdOrUpn: string): Promise<void> {
  const user = await findUser(db, userIdOrUpn);
  if (!user) throw notFound('user', userIdOrUpn);
  await assertMayManageMethodsOf(db, ctx.principal, user.id);
  await db.transaction().execute(async (trx) => {
    if (!(await clearPassword(trx, user.id))) throw notFound('passwordAuthenticationMethod', PASSWORD_METHOD_ID);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Admin deleted security info',
      operationType: 'Delete',
      targets: [{ id: user.id, type: 'User', userPrincipalName: user.userPrincipalName, displayName: user.displayName }],
      details: { authenticationMethod: 'password', passwordEnabled: 'false' },
    });
  });
}
