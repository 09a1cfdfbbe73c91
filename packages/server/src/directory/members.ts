import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { badRequest, notFound } from '../errors.ts';
import { GUID } from '../odata/filter.ts';
import { findGroupRow } from './groups-repository.ts';
import { findUserRow } from './users-repository.ts';
import { deleteMember, insertMember, isDirectMember } from './membership-repository.ts';

/**
 * `members/$ref` add and remove (entra-spec §8.6, G `group-post-members.md`,
 * `group-delete-members.md`): 204 on success; 400 when already a member; 404 for an unknown group
 * or object. A group may not be added to itself. Cycles through other groups are allowed (Graph
 * allows them) and resolution stays finite (see membership-repository.ts).
 */

/** `https://…/directoryObjects/{id}` (or `/users/{id}`, `/groups/{id}`) → the id. */
export function idFromRef(ref: string): string {
  const m = /(?:^|\/)(?:directoryObjects|users|groups)\/([0-9a-fA-F-]{36})\/?$/.exec(ref);
  if (!m || !GUID.test(m[1]!))
    throw badRequest(`Invalid @odata.id '${ref.slice(0, 200)}': use https://<host>/api/v1/directoryObjects/{id}.`);
  return m[1]!.toLowerCase();
}

/** Adds a directory object to a group; for callers already in a transaction (create with members@odata.bind). */
export async function addMemberInTransaction(trx: Kysely<DB>, ctx: RequestContext, groupId: string, ref: string): Promise<void> {
  const memberId = idFromRef(ref);
  const group = await findGroupRow(trx, groupId);
  if (!group) throw notFound('group', groupId);
  if (memberId === group.id) throw badRequest('A group cannot be a member of itself.');
  const user = await findUserRow(trx, memberId);
  const memberGroup = user ? undefined : await findGroupRow(trx, memberId);
  if (!user && !memberGroup) throw notFound('directoryObject', memberId);
  // Entra: role-assignable groups cannot contain groups, so group-granted roles never nest.
  if (memberGroup && group.is_assignable_to_role) throw badRequest('A role-assignable group cannot have groups as members.');
  if (await isDirectMember(trx, group.id, memberId)) {
    throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
  }
  await insertMember(trx, group.id, memberId, user ? 'user' : 'group');
  await recordAudit(trx, ctx, {
    category: 'GroupManagement',
    activity: 'Add member to group',
    operationType: 'Assign',
    targets: user
      ? [
          { id: user.id, type: 'User', displayName: user.display_name, userPrincipalName: user.user_principal_name },
          { id: group.id, type: 'Group', displayName: group.display_name },
        ]
      : [
          { id: memberGroup!.id, type: 'Group', displayName: memberGroup!.display_name },
          { id: group.id, type: 'Group', displayName: group.display_name },
        ],
  });
}

/** `POST /groups/{id}/members/$ref`. */
export async function addMember(db: Kysely<DB>, ctx: RequestContext, groupId: string, ref: string): Promise<void> {
  await db.transaction().execute((trx) => addMemberInTransaction(trx, ctx, groupId, ref));
}

/** `DELETE /groups/{id}/members/{memberId}/$ref`: 404 when the group is unknown or the object is not a direct member. */
export async function removeMember(db: Kysely<DB>, ctx: RequestContext, groupId: string, memberId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const group = await findGroupRow(trx, groupId);
    if (!group) throw notFound('group', groupId);
    const id = memberId.toLowerCase();
    if (!GUID.test(id) || !(await deleteMember(trx, group.id, id))) throw notFound('member', memberId);
    const user = await findUserRow(trx, id);
    await recordAudit(trx, ctx, {
      category: 'GroupManagement',
      activity: 'Remove member from group',
      operationType: 'Unassign',
      targets: [
        user ? { id, type: 'User', displayName: user.display_name, userPrincipalName: user.user_principal_name } : { id, type: 'Group' },
        { id: group.id, type: 'Group', displayName: group.display_name },
      ],
    });
  });
}
