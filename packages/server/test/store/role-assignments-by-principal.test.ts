import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { planOf } from '../support/plan.ts';
import { describeEachStore } from '../support/stores.ts';
import { readSignInSubject, signInSubjectQuery } from '../../src/policy/conditional-access/subject-repository.ts';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';

/**
 * Every sign-in reads the user's directory roles (Conditional Access targets them): with
 * thousands of assignments in the directory, the roles of the user and of its groups must be found
 * through role_assignments_principal, not by reading every assignment.
 */
describeEachStore("a sign-in's roles are found by principal among thousands of assignments", (store) => {
  it("reads the user's and its groups' assignments through the index, and still finds both", async () => {
    const db = store().db;
    const user = crypto.randomUUID();
    const group = crypto.randomUUID();
    const tag = user.slice(0, 8);
    await sql`insert into users (id, user_principal_name, display_name) values (${user}::uuid, ${`roles-${tag}@latchkey.test`}, 'Roles')`.execute(
      db,
    );
    await sql`insert into groups (id, display_name, mail_nickname, security_enabled, mail_enabled, is_assignable_to_role)
      values (${group}::uuid, ${`Admins ${tag}`}, ${`admins-${tag}`}, true, false, true)`.execute(db);
    await sql`insert into group_members (group_id, member_id, member_type) values (${group}::uuid, ${user}::uuid, 'user')`.execute(db);
    // 3,000 assignments of other principals, one for the user, one for its group.
    await sql`insert into role_assignments (id, role_template_id, principal_id, principal_type)
      select gen_random_uuid(), ${SECURITY_READER}::uuid, gen_random_uuid(), 'user' from generate_series(1, 3000)`.execute(db);
    await sql`insert into role_assignments (id, role_template_id, principal_id, principal_type) values
      (gen_random_uuid(), ${SECURITY_READER}::uuid, ${user}::uuid, 'user'), (gen_random_uuid(), ${GLOBAL_ADMIN}::uuid, ${group}::uuid, 'group')`.execute(
      db,
    );
    await sql`analyze role_assignments`.execute(db);

    const plan = await planOf(db, signInSubjectQuery(user).compile(db));
    expect(plan).toContain('role_assignments_principal');
    expect(plan).not.toContain('Seq Scan on role_assignments');
    const subject = await readSignInSubject(db, user);
    expect(subject.roleIds).toEqual([SECURITY_READER, GLOBAL_ADMIN].sort());
    expect(subject.groupIds).toEqual([group]);
  });
});
