import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import { deleteUserRow, findUserRowByKey, findUserRowByUpn, insertUser, updateUserRow, type UserValues } from './users-repository.ts';
import { countActiveGlobalAdmins, lockRoleAssignments } from './role-assignments-repository.ts';
import { toGraphUser, USER_PROPERTIES, type GraphUser } from './shapes.ts';
import { assertMayManageUser } from './privileged-targets.ts';
import { isUniqueViolation, modifiedProperties } from './audit-values.ts';
import type { UserCreateInput, UserPatchInput } from './schemas.ts';

/** The properties an audit entry lists as modified: all but the server-assigned id and creation time. */
const AUDITED: readonly string[] = USER_PROPERTIES.filter((p) => p !== 'id' && p !== 'createdDateTime');

/**
 * Graph answers 400 Request_BadRequest with details [{target, code: "ObjectConflict"}] (seen in
 * microsoftgraph/microsoft-graph-docs#1508); issue 2 asks for 409, so Latchkey sends 409
 * Request_Conflict with Graph's message and the same details, for clients that branch on either.
 */
const duplicateUpn = (upn: string) =>
  new ApiError('Request_Conflict', `Another object with the same value for property userPrincipalName already exists: '${upn}'.`, {
    details: [{ target: 'userPrincipalName', code: 'ObjectConflict' }],
  });
const noPasswords = () =>
  badRequest(
    'passwordProfile is not supported: Latchkey users are passwordless. Set a legacy password through /users/{id}/authentication/methods/{id}/resetPassword if one is needed.',
  );

/** Creates a user (Graph `POST /users`): 409 when the userPrincipalName is taken, case-insensitively. */
export async function createUser(db: Kysely<DB>, ctx: RequestContext, input: UserCreateInput): Promise<GraphUser> {
  if (input.passwordProfile !== undefined) throw noPasswords();
  const values: UserValues = {
    user_principal_name: input.userPrincipalName,
    display_name: input.displayName,
    given_name: input.givenName ?? null,
    surname: input.surname ?? null,
    mail: input.mail ?? null,
    mail_nickname: input.mailNickname ?? input.userPrincipalName.split('@')[0]!.slice(0, 64),
    job_title: input.jobTitle ?? null,
    department: input.department ?? null,
    account_enabled: input.accountEnabled ?? true,
  };
  try {
    return await db.transaction().execute(async (trx) => {
      if (await findUserRowByUpn(trx, input.userPrincipalName)) throw duplicateUpn(input.userPrincipalName);
      const user = await insertUser(trx, crypto.randomUUID(), values);
      await recordAudit(trx, ctx, {
        category: 'UserManagement',
        activity: 'Add user',
        operationType: 'Add',
        targets: [
          {
            id: user.id,
            type: 'User',
            displayName: user.displayName,
            userPrincipalName: user.userPrincipalName,
            modifiedProperties: modifiedProperties(null, { ...user }, AUDITED),
          },
        ],
      });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateUpn(input.userPrincipalName);
    throw err;
  }
}

/** By id or userPrincipalName; 404 otherwise. */
export async function getUser(db: Kysely<DB>, key: string): Promise<GraphUser> {
  const row = await findUserRowByKey(db, key);
  if (!row) throw notFound('user', key);
  return toGraphUser(row);
}

/**
 * Graph `PATCH /users/{id}`. `accountEnabled: false` is the soft disable: the user stays, with
 * memberships and roles, but cannot sign in. Disabling the last enabled Global Administrator is
 * refused (400), so the directory always keeps someone who can administer it.
 */
export async function updateUser(db: Kysely<DB>, ctx: RequestContext, key: string, patch: UserPatchInput): Promise<GraphUser> {
  if (patch.passwordProfile !== undefined) throw noPasswords();
  const set: Partial<UserValues> = {};
  if (patch.userPrincipalName !== undefined) set.user_principal_name = patch.userPrincipalName;
  if (patch.displayName !== undefined) set.display_name = patch.displayName;
  if (patch.givenName !== undefined) set.given_name = patch.givenName;
  if (patch.surname !== undefined) set.surname = patch.surname;
  if (patch.mail !== undefined) set.mail = patch.mail;
  if (patch.mailNickname !== undefined) set.mail_nickname = patch.mailNickname;
  if (patch.jobTitle !== undefined) set.job_title = patch.jobTitle;
  if (patch.department !== undefined) set.department = patch.department;
  if (patch.accountEnabled !== undefined) set.account_enabled = patch.accountEnabled;
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await findUserRowByKey(trx, key);
      if (!row) throw notFound('user', key);
      const before = toGraphUser(row);
      if (!Object.keys(set).length) return before;
      await assertMayManageUser(trx, ctx.principal, row.id);
      if (set.user_principal_name !== undefined && set.user_principal_name.toLowerCase() !== row.user_principal_name.toLowerCase()) {
        if (await findUserRowByUpn(trx, set.user_principal_name)) throw duplicateUpn(set.user_principal_name);
      }
      if (set.account_enabled === false && row.account_enabled) await assertNotLastGlobalAdmin(trx, row.id, 'disable');
      const after = toGraphUser(await updateUserRow(trx, row.id, set));
      const changed = modifiedProperties({ ...before }, { ...after }, AUDITED);
      if (!changed.length) return after;
      const onlyEnabled = changed.length === 1 && changed[0]!.displayName === 'AccountEnabled';
      await recordAudit(trx, ctx, {
        category: 'UserManagement',
        activity: onlyEnabled ? (after.accountEnabled ? 'Enable account' : 'Disable account') : 'Update user',
        operationType: 'Update',
        targets: [
          {
            id: after.id,
            type: 'User',
            displayName: after.displayName,
            userPrincipalName: after.userPrincipalName,
            modifiedProperties: changed,
          },
        ],
      });
      return after;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateUpn(set.user_principal_name ?? '');
    throw err;
  }
}

/** Graph `DELETE /users/{id}`: removes the user, its memberships and role assignments. */
export async function deleteUser(db: Kysely<DB>, ctx: RequestContext, key: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findUserRowByKey(trx, key);
    if (!row) throw notFound('user', key);
    await assertMayManageUser(trx, ctx.principal, row.id);
    if (row.account_enabled) await assertNotLastGlobalAdmin(trx, row.id, 'delete');
    const removed = await deleteUserRow(trx, row.id);
    await recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Delete user',
      operationType: 'Delete',
      targets: [{ id: row.id, type: 'User', displayName: row.display_name, userPrincipalName: row.user_principal_name }],
      // What went with the user, so the trail explains memberships and roles that vanished.
      details: { removedGroupMemberships: String(removed.memberships), removedRoleAssignments: String(removed.roleAssignments) },
    });
  });
}

/** 400 when `userId` holds the last direct Global Administrator assignment among enabled users. */
async function assertNotLastGlobalAdmin(trx: Kysely<DB>, userId: string, verb: 'disable' | 'delete'): Promise<void> {
  await lockRoleAssignments(trx);
  const before = await countActiveGlobalAdmins(trx);
  if (before === 0) return;
  if ((await countActiveGlobalAdmins(trx, { exceptUserId: userId })) === 0) {
    throw new ApiError(
      'Request_BadRequest',
      `Cannot ${verb} the last enabled Global Administrator; assign the role to another enabled user first.`,
    );
  }
}
