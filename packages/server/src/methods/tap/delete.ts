import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { assertMayManageMethodsOf } from '../password/authorize.ts';
import { findUser } from '../password/repository.ts';
import { deleteTap } from './repository.ts';

/**
 * `DELETE /users/{id}/authentication/temporaryAccessPassMethods/{methodId}` → 204 (entra-spec
 * §3.3: the only way, besides replacement, that an expired or used pass goes away). Same
 * caller rules as issuing; `self: true` is the user removing their own pass in My Security Info.
 * Sessions made with the pass end with it (`tap_sign_ins` no longer finds a live pass).
 */
export async function deleteTemporaryAccessPass(
  db: Kysely<DB>,
  ctx: RequestContext,
  idOrUpn: string,
  methodId: string,
  options: { self?: boolean } = {},
): Promise<void> {
  const user = await findUser(db, idOrUpn);
  if (!user) throw notFound('user', idOrUpn);
  if (!options.self) await assertMayManageMethodsOf(db, ctx.principal, user.id);
  await db.transaction().execute(async (trx) => {
    const gone = /^[0-9a-f-]{36}$/i.test(methodId) ? await deleteTap(trx, user.id, methodId.toLowerCase()) : undefined;
    if (!gone) throw notFound('temporaryAccessPassAuthenticationMethod', methodId);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Delete Temporary Access Pass',
      operationType: 'Delete',
      targets: [{ id: user.id, type: 'User', userPrincipalName: user.userPrincipalName }],
      details: { methodId: gone.id },
    });
  });
}
