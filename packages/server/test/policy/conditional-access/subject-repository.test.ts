import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachStore } from '../../support/stores.ts';
import { readSignInSubject } from '../../../src/policy/conditional-access/subject-repository.ts';
import { transitiveGroupIdsOfUser } from '../../../src/directory/membership-repository.ts';
import { effectiveRoleTemplateIds } from '../../../src/directory/role-assignments-repository.ts';
import { ROLE } from '../../../src/directory/roles.ts';

/** The one-statement subject read must say exactly what the three separate reads say. */
describeEachStore('sign-in subject (groups, roles, per-user MFA in one statement)', (store) => {
  const db = () => store().db;
  const id = () => crypto.randomUUID();
  const user = async (enabled = true) => {
    const u = id();
    await sql`insert into users (id, user_principal_name, display_name, mail_nickname, account_enabled) values (${u}::uuid, ${`${u}@x.test`}, 'U', 'u', ${enabled})`.execute(db());
    return u;
  };
  const group = async (assignable = false) => {
    const g = id();
    await sql`insert into groups (id, display_name, mail_nickname, is_assignable_to_role) values (${g}::uuid, 'G', 'g', ${assignable})`.execute(db());
    return g;
  };
  const member = (g: string, m: string, type: 'user' | 'group') => sql`insert into group_members (group_id, member_id, member_type) values (${g}::uuid, ${m}::uuid, ${type})`.execute(db());
  const role = (r: string, p: string, type: 'user' | 'group') => sql`insert into role_assignments (id, role_template_id, principal_id, principal_type) values (${id()}::uuid, ${r}::uuid, ${p}::uuid, ${type})`.execute(db());

  it('nested groups (with a cycle), direct and group-assigned roles, per-user MFA; disabled → no roles', async () => {
    const u = await user();
    const [a, b, c] = [await group(), await group(true), await group()];
    await member(a, u, 'user');
    await member(b, a, 'group');
    await member(c, b, 'group');
    await member(a, c, 'group'); // a cycle
    await role(ROLE.globalReader, u, 'user');
    await role(ROLE.userAdministrator, b, 'group');
    await sql`insert into user_mfa_requirements (user_id, per_user_mfa_state) values (${u}::uuid, 'enforced')`.execute(db());

    const s = await readSignInSubject(db(), u);
    expect([...s.groupIds].sort()).toEqual([...(await transitiveGroupIdsOfUser(db(), u))].sort());
    expect(s.groupIds.sort()).toEqual([a, b, c].sort());
    expect(s.roleIds).toEqual(await effectiveRoleTemplateIds(db(), u));
    expect(s.roleIds).toEqual([ROLE.globalReader, ROLE.userAdministrator].sort());
    expect(s.perUserMfaState).toBe('enforced');

    await sql`update users set account_enabled = false where id = ${u}::uuid`.execute(db());
    const off = await readSignInSubject(db(), u);
    expect(off.roleIds).toEqual([]);
    expect(await effectiveRoleTemplateIds(db(), u)).toEqual([]);
    expect(off.groupIds).toHaveLength(3);
  });

  it('a user in nothing, an unknown id and a malformed id read as empty and MFA disabled', async () => {
    const u = await user();
    for (const who of [u, id(), 'not-a-guid']) expect(await readSignInSubject(db(), who)).toEqual({ groupIds: [], roleIds: [], perUserMfaState: 'disabled' });
  });
});
