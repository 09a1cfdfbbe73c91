import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { badRequest, notFound } from '../errors.ts';
import { deleteGroupRow, findGroupRow, insertGroup, updateGroupRow, type GroupValues } from './groups-repository.ts';
import { toGraphGroup, type GraphGroup } from './shapes.ts';
import { modifiedProperties } from './audit-values.ts';
import { addMemberInTransaction } from './members.ts';
import type { GroupCreateInput, GroupPatchInput } from './schemas.ts';

const AUDITED = ['displayName', 'description', 'mailNickname', 'isAssignableToRole'] as const;

/** Latchkey keeps security groups only (entra-spec §8.6: groupTypes [] , mailEnabled false, securityEnabled true). */
function assertSecurityGroup(input: GroupCreateInput): void {
  if (input.mailEnabled === true)
    throw badRequest('Mail-enabled groups are not supported: set mailEnabled to false (Latchkey keeps security groups).');
  if (input.securityEnabled === false) throw badRequest('Only security groups are supported: securityEnabled must be true.');
  if (input.groupTypes && input.groupTypes.length)
    throw badRequest(
      `groupTypes ${JSON.stringify(input.groupTypes)} is not supported: Microsoft 365 and dynamic groups do not exist in Latchkey; use [].`,
    );
}

/** A mailNickname from a display name when the caller gave none. */
export function nicknameFrom(displayName: string): string {
  const n = displayName
    .normalize('NFKD')
    .replace(/[^\x21-\x7E]|[@()\\[\]";:.<>,]/g, '')
    .slice(0, 64);
  return n || 'group';
}

/** Graph `POST /groups` (security group), with up to 20 `members@odata.bind`, all or nothing. */
export async function createGroup(db: Kysely<DB>, ctx: RequestContext, input: GroupCreateInput): Promise<GraphGroup> {
  assertSecurityGroup(input);
  const values: GroupValues = {
    display_name: input.displayName,
    description: input.description ?? null,
    mail_nickname: input.mailNickname ?? nicknameFrom(input.displayName),
    is_assignable_to_role: input.isAssignableToRole ?? false,
  };
  return db.transaction().execute(async (trx) => {
    const group = await insertGroup(trx, crypto.randomUUID(), values);
    await recordAudit(trx, ctx, {
      category: 'GroupManagement',
      activity: 'Add group',
      operationType: 'Add',
      targets: [
        {
          id: group.id,
          type: 'Group',
          displayName: group.displayName,
          modifiedProperties: modifiedProperties(null, { ...group }, AUDITED),
        },
      ],
    });
    for (const ref of input['members@odata.bind'] ?? []) await addMemberInTransaction(trx, ctx, group.id, ref);
    return group;
  });
}

export async function getGroup(db: Kysely<DB>, id: string): Promise<GraphGroup> {
  const row = await findGroupRow(db, id);
  if (!row) throw notFound('group', id);
  return toGraphGroup(row);
}

/** Graph `PATCH /groups/{id}`; `members@odata.bind` adds members in the same transaction. */
export async function updateGroup(db: Kysely<DB>, ctx: RequestContext, id: string, patch: GroupPatchInput): Promise<GraphGroup> {
  const set: Partial<Omit<GroupValues, 'is_assignable_to_role'>> = {};
  if (patch.displayName !== undefined) set.display_name = patch.displayName;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.mailNickname !== undefined) set.mail_nickname = patch.mailNickname;
  return db.transaction().execute(async (trx) => {
    const row = await findGroupRow(trx, id);
    if (!row) throw notFound('group', id);
    let after = toGraphGroup(row);
    if (Object.keys(set).length) {
      const before = after;
      after = toGraphGroup(await updateGroupRow(trx, row.id, set));
      const changed = modifiedProperties({ ...before }, { ...after }, AUDITED);
      if (changed.length)
        await recordAudit(trx, ctx, {
          category: 'GroupManagement',
          activity: 'Update group',
          operationType: 'Update',
          targets: [{ id: row.id, type: 'Group', displayName: after.displayName, modifiedProperties: changed }],
        });
    }
    for (const ref of patch['members@odata.bind'] ?? []) await addMemberInTransaction(trx, ctx, row.id, ref);
    return after;
  });
}

/** Graph `DELETE /groups/{id}`: its member rows, its own memberships and its role assignments go with it. */
export async function deleteGroup(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findGroupRow(trx, id);
    if (!row) throw notFound('group', id);
    const removed = await deleteGroupRow(trx, row.id);
    await recordAudit(trx, ctx, {
      category: 'GroupManagement',
      activity: 'Delete group',
      operationType: 'Delete',
      targets: [{ id: row.id, type: 'Group', displayName: row.display_name }],
      details: {
        removedMembers: String(removed.members),
        removedGroupMemberships: String(removed.memberships),
        removedRoleAssignments: String(removed.roleAssignments),
      },
    });
  });
}
