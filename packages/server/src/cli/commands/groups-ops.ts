import { z } from 'zod';
import { defineOp } from '../ops.ts';
import { systemContext } from '../../auth/principal.ts';
import { encodeSkipToken, parseODataQuery } from '../../odata/query.ts';
import { DIRECTORY_OBJECTS_RESOURCE, GROUPS_RESOURCE } from '../../directory/filters.ts';
import { queryGroupMembers, queryGroups } from '../../directory/queries.ts';
import { groupCreateSchema } from '../../directory/schemas.ts';
import { createGroup } from '../../directory/groups.ts';
import { addMember, removeMember } from '../../directory/members.ts';
import { resolveDirectoryObject, resolveGroup } from '../../directory/resolve.ts';
import type { DirectoryObject, GraphGroup } from '../../directory/shapes.ts';
import { argsOf, ListArgs, toRawQuery, type ListResult } from './users-ops.ts';

const MemberArgs = z.object({ group: z.string().min(1).max(256), member: z.string().min(1).max(320) });
const MembersArgs = ListArgs.extend({ group: z.string().min(1).max(256), transitive: z.boolean().optional() });

export const groupsListOp = defineOp<ListArgs, ListResult<GraphGroup>>({
  name: 'groups.list',
  async run(rt, raw) {
    const page = await queryGroups(rt.store.db, parseODataQuery(toRawQuery(argsOf(ListArgs, raw)), GROUPS_RESOURCE));
    return { value: page.items, count: page.count, nextSkipToken: page.nextAfter === null ? null : encodeSkipToken(page.nextAfter) };
  },
});

/** `groups.create`: the POST /groups body (security group; mailNickname derived when omitted). */
export const groupsCreateOp = defineOp<z.infer<typeof groupCreateSchema>, GraphGroup>({
  name: 'groups.create',
  run: (rt, raw) => createGroup(rt.store.db, systemContext(), argsOf(groupCreateSchema, raw)),
});

/** `groups.addMember`: group by id or name; member a user (UPN or id) or a group (id or name). */
export const groupsAddMemberOp = defineOp<z.infer<typeof MemberArgs>, { group: string; member: string; type: string }>({
  name: 'groups.addMember',
  async run(rt, raw) {
    const args = argsOf(MemberArgs, raw);
    const group = await resolveGroup(rt.store.db, args.group);
    const member = await resolveDirectoryObject(rt.store.db, args.member);
    await addMember(rt.store.db, systemContext(), group.id, `directoryObjects/${member.id}`);
    return { group: group.id, member: member.id, type: member.type };
  },
});

export const groupsRemoveMemberOp = defineOp<z.infer<typeof MemberArgs>, { group: string; member: string }>({
  name: 'groups.removeMember',
  async run(rt, raw) {
    const args = argsOf(MemberArgs, raw);
    const group = await resolveGroup(rt.store.db, args.group);
    const member = await resolveDirectoryObject(rt.store.db, args.member);
    await removeMember(rt.store.db, systemContext(), group.id, member.id);
    return { group: group.id, member: member.id };
  },
});

export const groupsMembersOp = defineOp<z.infer<typeof MembersArgs>, ListResult<DirectoryObject>>({
  name: 'groups.members',
  async run(rt, raw) {
    const args = argsOf(MembersArgs, raw);
    const group = await resolveGroup(rt.store.db, args.group);
    const page = await queryGroupMembers(
      rt.store.db,
      group.id,
      Boolean(args.transitive),
      parseODataQuery(toRawQuery(args), DIRECTORY_OBJECTS_RESOURCE),
    );
    return { value: page.items, count: page.count, nextSkipToken: page.nextAfter === null ? null : encodeSkipToken(page.nextAfter) };
  },
});
