import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { ApiError, notFound } from '../../errors.ts';
import { assertMayManageMethodsOf } from '../password/authorize.ts';
import { decideIssue, endOf, type IssueRequest } from './policy.ts';
import { generatePass, hashPass } from './generate.ts';
import { deleteTap, findTapOfUser, insertTap, lockUser } from './repository.ts';
import { toGraph, type TemporaryAccessPassMethod } from './shapes.ts';
import { userAndTapPolicy } from './user.ts';

/**
 * `POST /users/{id}/authentication/temporaryAccessPassMethods` (entra-spec §3.2): checks the
 * caller may act on the user (nobody on themselves; Authentication Administrators only on
 * non-admins), validates the request against the user's TAP policy, generates the pass with the
 * policy's length, stores only its hash, and replaces any existing pass of the user — deleting
 * the old one and writing both audit entries in the same transaction (§3.3 "One TAP per user").
 * Returns the Graph object with `temporaryAccessPass` set: the only time it is ever shown.
 */
export async function issueTemporaryAccessPass(
  db: Kysely<DB>,
  ctx: RequestContext,
  idOrUpn: string,
  req: IssueRequest,
  now = new Date(),
): Promise<TemporaryAccessPassMethod> {
  const { user, config } = await userAndTapPolicy(db, idOrUpn);
  await assertMayManageMethodsOf(db, ctx.principal, user.id);
  const d = decideIssue(config, req, now);
  if (!d.ok) throw new ApiError(d.status === 403 ? 'Authorization_RequestDenied' : 'Request_BadRequest', d.message);
  const id = randomUUID();
  const pass = generatePass(d.length);
  const stored = await db.transaction().execute(async (trx) => {
    if (!(await lockUser(trx, user.id))) throw notFound('user', idOrUpn);
    const old = await findTapOfUser(trx, user.id);
    if (old) {
      await deleteTap(trx, user.id, old.id);
      await recordAudit(trx, ctx, {
        category: 'UserManagement',
        activity: 'Delete Temporary Access Pass',
        operationType: 'Delete',
        targets: [{ id: user.id, type: 'User', userPrincipalName: user.userPrincipalName }],
        details: { methodId: old.id, reason: 'replaced by a new Temporary Access Pass' },
      });
    }
    const tap = await insertTap(
      trx,
      {
        id,
        userId: user.id,
        passHash: hashPass(id, pass),
        startDateTime: d.startDateTime,
        lifetimeInMinutes: d.lifetimeInMinutes,
        isUsableOnce: d.isUsableOnce,
      },
      now,
    );
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Add Temporary Access Pass',
      operationType: 'Add',
      targets: [{ id: user.id, type: 'User', userPrincipalName: user.userPrincipalName }],
      details: {
        methodId: id,
        startDateTime: tap.startDateTime.toISOString(),
        endDateTime: endOf(tap).toISOString(),
        isUsableOnce: String(tap.isUsableOnce),
      },
    });
    return tap;
  });
  return toGraph(stored, config, now, pass);
}
