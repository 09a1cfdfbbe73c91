import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.ts';
import { rowCount } from '../support/counts.ts';
import type { RequestContext } from '../../src/auth/principal.ts';
import { ROLE } from '../../src/directory/roles.ts';

/** Directory rows written straight to the tables, so these tests do not depend on the directory module. */
export async function insertUser(db: Kysely<DB>, upn = `u-${randomUUID().slice(0, 8)}@example.test`): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('users')
    .values({
      id,
      user_principal_name: upn,
      display_name: upn,
      given_name: null,
      surname: null,
      mail: null,
      mail_nickname: null,
      job_title: null,
      department: null,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return id;
}

export async function insertGroup(db: Kysely<DB>, name = `g-${randomUUID().slice(0, 8)}`): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('groups')
    .values({
      id,
      display_name: name,
      description: null,
      mail_nickname: name,
      group_types: '[]',
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return id;
}

export async function addMember(db: Kysely<DB>, groupId: string, memberId: string, memberType: 'user' | 'group' = 'user'): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, member_id: memberId, member_type: memberType, created_at: new Date() })
    .execute();
}

export async function assignRole(db: Kysely<DB>, userId: string, roleTemplateId: string): Promise<void> {
  await db
    .insertInto('role_assignments')
    .values({ id: randomUUID(), role_template_id: roleTemplateId, principal_id: userId, principal_type: 'user', created_at: new Date() })
    .execute();
}

/** An acting administrator (a user principal) for domain calls. */
export function adminContext(roles: string[] = [ROLE.globalAdministrator], id: string = randomUUID()): RequestContext {
  return {
    principal: {
      kind: 'user',
      id,
      displayName: 'Test Admin',
      userPrincipalName: 'admin@example.test',
      roles,
      scopes: ['Policy.ReadWrite.AuthenticationMethod', 'UserAuthenticationMethod.ReadWrite.All'],
    },
    correlationId: randomUUID(),
    ipAddress: '127.0.0.1',
  };
}

export async function countRows(db: Kysely<DB>, table: 'audit_log' | 'auth_method_configurations' | 'user_passwords'): Promise<number> {
  return rowCount(db, table);
}

/** A snapshot of everything the policy stores, to prove a rejected write changed nothing. */
export async function policySnapshot(db: Kysely<DB>): Promise<string> {
  const header = await db.selectFrom('auth_methods_policy').selectAll().execute();
  const rows = await db.selectFrom('auth_method_configurations').selectAll().orderBy('id').execute();
  return JSON.stringify({ header, rows, audit: await countRows(db, 'audit_log') });
}

/** A password the analysis counts (the hash is never checked here). */
export async function givePassword(db: Kysely<DB>, userId: string): Promise<void> {
  await db
    .insertInto('user_passwords')
    .values({ user_id: userId, hash: '$argon2id$v=19$m=19456,t=2,p=1$x$y', enabled: true, created_at: new Date(), updated_at: new Date() })
    .execute();
}
