import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { notFound } from '../errors.ts';
import { findUserRowByKey } from './users-repository.ts';
import { assertMayManageUser } from './privileged-targets.ts';
import { setSignInSessionsValidFrom } from '../oidc/refresh-repository.ts';

/**
 * Graph `POST /users/{id}/revokeSignInSessions` (and `/me/revokeSignInSessions`): sets the user's
 * `signInSessionsValidFromDateTime` to now, so every refresh token and SSO session from a sign-in
 * before this moment stops working — a refresh answers `invalid_grant`, the next authorization
 * asks to sign in again (oidc/refresh-check.ts, ADR 0017). Access tokens already issued stay
 * valid until they expire, as in Entra. `self`: the caller revokes their own sessions (no
 * privileged-target check). Audited as Entra does ("Invalidate all refresh tokens for user").
 */
export async function revokeSignInSessions(
  db: Kysely<DB>,
  ctx: RequestContext,
  key: string,
  o: { self?: boolean } = {},
): Promise<{ signInSessionsValidFromDateTime: string }> {
  return db.transaction().execute(async (trx) => {
    const row = await findUserRowByKey(trx, key);
    if (!row) throw notFound('user', key);
    if (!o.self) await assertMayManageUser(trx, ctx.principal, row.id);
    const at = new Date();
    await setSignInSessionsValidFrom(trx, row.id, at);
    const before = row.sign_in_sessions_valid_from ? new Date(row.sign_in_sessions_valid_from).toISOString() : null;
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Invalidate all refresh tokens for user',
      operationType: 'Update',
      targets: [
        {
          id: row.id,
          type: 'User',
          displayName: row.display_name,
          userPrincipalName: row.user_principal_name,
          modifiedProperties: [
            {
              displayName: 'SignInSessionsValidFromDateTime',
              oldValue: before && JSON.stringify([before]),
              newValue: JSON.stringify([at.toISOString()]),
            },
          ],
        },
      ],
    });
    return { signInSessionsValidFromDateTime: at.toISOString() };
  });
}
