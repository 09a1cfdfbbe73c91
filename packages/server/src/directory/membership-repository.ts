import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../store/schema.ts';
import { filterToSql } from '../odata/sql.ts';
import type { Page } from '../odata/response.ts';
import { DIRECTORY_OBJECTS_RESOURCE } from './filters.ts';
import { asGroupObject, asUserObject, toGraphGroup, toGraphUser, type DirectoryObject } from './shapes.ts';
import type { ListOptions } from './users-repository.ts';

/**
 * Group membership, nested. Transitive resolution is a recursive CTE with UNION (not UNION ALL):
 * a row already produced is not produced again, so cycles between groups terminate
 * (PostgreSQL docs §7.8.2 "Recursive Queries"). Lookups walk `group_members_member
 * (member_id, group_id)` upward and the primary key `(group_id, member_id)` downward.
 *
 * Each step is a LATERAL subquery fenced with `offset 0`, so it is always a parameterised index
 * lookup per group reached. A plain join lets the planner pick a hash join over a sequential scan
 * of the whole table per step (it estimates the work table at 30 rows), which measured 10–30×
 * slower on a 5k-user directory (docs/benchmarks/directory.md).
 */
export type MemberType = 'user' | 'group';

export async function insertMember(db: Kysely<DB>, groupId: string, memberId: string, memberType: MemberType): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, member_id: memberId, member_type: memberType, created_at: new Date() })
    .execute();
}

/** Removes one direct membership; false when there was none. */
export async function deleteMember(db: Kysely<DB>, groupId: string, memberId: string): Promise<boolean> {
  const r = await db.deleteFrom('group_members').where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function isDirectMember(db: Kysely<DB>, groupId: string, memberId: string): Promise<boolean> {
  return !!(await db
    .selectFrom('group_members')
    .select('member_id')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst());
}

/**
 * Every group the user belongs to, directly or through nested groups (each id once, cycles
 * tolerated). This is what conditional-access targeting and group-assigned roles resolve against.
 */
export async function transitiveGroupIdsOfUser(db: Kysely<DB>, userId: string): Promise<string[]> {
  const r = await transitiveGroupIdsQuery(userId).execute(db);
  return r.rows.map((x) => x.id);
}

/** The user's groups, transitively, as `transitiveGroupIdsOfUser`; with `securityOnly`, the security-enabled ones. Sorted. */
export async function groupIdsForClaims(db: Kysely<DB>, userId: string, securityOnly: boolean): Promise<string[]> {
  const r = await sql<{ id: string }>`${groupsAbove(sql`${userId}::uuid`)}
select g.id from up join groups g on g.id = up.id where ${securityOnly ? sql`g.security_enabled` : sql`true`} order by g.id`.execute(db);
  return r.rows.map((x) => x.id);
}

/** The SQL behind `transitiveGroupIdsOfUser` (exported so the benchmark can EXPLAIN exactly it). */
export function transitiveGroupIdsQuery(userId: string): RawBuilder<{ id: string }> {
  return sql<{ id: string }>`${groupsAbove(sql`${userId}::uuid`)} select id from up`;
}

/**
 * `with recursive up(id) as (…)`: every group `member` (a uuid expression: a value or a subquery)
 * belongs to, directly or through nested groups, each once (`union` ends cycles). The one group
 * walk, shared by every query that needs it (memberOf, the sign-in subject, the assertion lookup).
 */
export function groupsAbove(member: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`with recursive up(id) as (
      select group_id from group_members where member_id = ${member}
      union
      select gm.group_id from up cross join lateral (select group_id from group_members where member_id = up.id offset 0) gm
    )`;
}

const directMembers = (groupId: string) =>
  sql`select member_id as id, member_type as type from group_members where group_id = ${groupId}::uuid`;
const transitiveMembers = (groupId: string) => sql`
  with recursive down(id, type) as (
    select member_id, member_type from group_members where group_id = ${groupId}::uuid
    union
    select gm.member_id, gm.member_type from down cross join lateral (select member_id, member_type from group_members where group_id = down.id and down.type = 'group' offset 0) gm
  )
  select id, type from down where id <> ${groupId}::uuid`;
const directMemberOf = (memberId: string) =>
  sql`select group_id as id, 'group' as type from group_members where member_id = ${memberId}::uuid`;
const transitiveMemberOf = (memberId: string) => sql`${groupsAbove(sql`${memberId}::uuid`)} select id, 'group' as type from up where id <> ${memberId}::uuid`;

/** `GET /groups/{id}/members` (direct) or `/transitiveMembers`, keyset-paged by id. */
export function listMembers(db: Kysely<DB>, groupId: string, transitive: boolean, o: ListOptions): Promise<Page<DirectoryObject>> {
  return pageOfObjects(db, transitive ? transitiveMembers(groupId) : directMembers(groupId), o);
}

/** `GET /users/{id}/memberOf` (direct groups) or `/transitiveMemberOf`; works for groups too. */
export function listMemberOf(db: Kysely<DB>, memberId: string, transitive: boolean, o: ListOptions): Promise<Page<DirectoryObject>> {
  return pageOfObjects(db, transitive ? transitiveMemberOf(memberId) : directMemberOf(memberId), o);
}

async function pageOfObjects(db: Kysely<DB>, source: RawBuilder<unknown>, o: ListOptions): Promise<Page<DirectoryObject>> {
  const where = sql`${o.filter ? filterToSql(o.filter, DIRECTORY_OBJECTS_RESOURCE.filterable) : sql`true`} ${o.after ? sql`and id > ${o.after}::uuid` : sql``}`;
  const ids = await sql<{
    id: string;
    type: 'user' | 'group';
  }>`select id, type from (${source}) s where ${where} order by id limit ${o.top + 1}`.execute(db);
  const more = ids.rows.length > o.top;
  const pageIds = more ? ids.rows.slice(0, o.top) : ids.rows;
  const userIds = pageIds.filter((r) => r.type === 'user').map((r) => r.id);
  const groupIds = pageIds.filter((r) => r.type === 'group').map((r) => r.id);
  const [users, groups] = await Promise.all([
    userIds.length ? db.selectFrom('users').selectAll().where('id', 'in', userIds).execute() : [],
    groupIds.length ? db.selectFrom('groups').selectAll().where('id', 'in', groupIds).execute() : [],
  ]);
  const byId = new Map<string, DirectoryObject>();
  for (const u of users) byId.set(u.id, asUserObject(toGraphUser(u)));
  for (const g of groups) byId.set(g.id, asGroupObject(toGraphGroup(g)));
  let count: number | undefined;
  if (o.count) {
    const c = await sql<{
      n: string | number;
    }>`select count(*) as n from (${source}) s where ${o.filter ? filterToSql(o.filter, DIRECTORY_OBJECTS_RESOURCE.filterable) : sql`true`}`.execute(
      db,
    );
    count = Number(c.rows[0]!.n);
  }
  return { items: pageIds.flatMap((r) => byId.get(r.id) ?? []), nextAfter: more ? pageIds[pageIds.length - 1]!.id : null, count };
}
