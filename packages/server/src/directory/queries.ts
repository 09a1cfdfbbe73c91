import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { notFound } from '../errors.ts';
import type { ODataQuery } from '../odata/query.ts';
import type { Page } from '../odata/response.ts';
import { findGroupRow, listGroups } from './groups-repository.ts';
import { findUserRowByKey, listUsers } from './users-repository.ts';
import { listMemberOf, listMembers } from './membership-repository.ts';
import { listRoleAssignments } from './role-assignments-repository.ts';
import type { DirectoryObject, GraphGroup, GraphRoleAssignment, GraphUser } from './shapes.ts';

/** Read side of the directory for routes and CLI: one parsed OData query in, one keyset page out. */
const options = (q: ODataQuery) => ({ filter: q.filter, after: q.after, top: q.top, count: q.count });

export const queryUsers = (db: Kysely<DB>, q: ODataQuery): Promise<Page<GraphUser>> => listUsers(db, options(q));
export const queryGroups = (db: Kysely<DB>, q: ODataQuery): Promise<Page<GraphGroup>> => listGroups(db, options(q));
export const queryRoleAssignments = (db: Kysely<DB>, q: ODataQuery): Promise<Page<GraphRoleAssignment>> =>
  listRoleAssignments(db, options(q));

/** `/groups/{id}/members` or `/transitiveMembers`; 404 for an unknown group. */
export async function queryGroupMembers(
  db: Kysely<DB>,
  groupId: string,
  transitive: boolean,
  q: ODataQuery,
): Promise<Page<DirectoryObject>> {
  return listMembers(db, await groupIdOrThrow(db, groupId), transitive, options(q));
}

/** `/users/{id}/memberOf` or `/transitiveMemberOf` (groups only); 404 for an unknown user. */
export async function queryUserMemberOf(
  db: Kysely<DB>,
  userKey: string,
  transitive: boolean,
  q: ODataQuery,
): Promise<Page<DirectoryObject>> {
  const user = await findUserRowByKey(db, userKey);
  if (!user) throw notFound('user', userKey);
  return listMemberOf(db, user.id, transitive, options(q));
}

/** `/groups/{id}/memberOf` or `/transitiveMemberOf`; 404 for an unknown group. */
export async function queryGroupMemberOf(
  db: Kysely<DB>,
  groupId: string,
  transitive: boolean,
  q: ODataQuery,
): Promise<Page<DirectoryObject>> {
  return listMemberOf(db, await groupIdOrThrow(db, groupId), transitive, options(q));
}

/** The stored id of the group `groupId` names; 404 for an unknown group. */
async function groupIdOrThrow(db: Kysely<DB>, groupId: string): Promise<string> {
  const group = await findGroupRow(db, groupId);
  if (!group) throw notFound('group', groupId);
  return group.id;
}
