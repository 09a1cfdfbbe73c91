import type { TestServer } from '../support/server.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.ts';

/** Row and audit counts, to prove a rejected request wrote nothing. */
export async function counts(s: TestServer | Kysely<DB>): Promise<Record<string, number>> {
  const db = 'runtime' in s ? s.runtime.store.db : s;
  const n = async (t: 'users' | 'groups' | 'group_members' | 'role_assignments' | 'audit_log') =>
    Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    users: await n('users'),
    groups: await n('groups'),
    members: await n('group_members'),
    roles: await n('role_assignments'),
    audit: await n('audit_log'),
  };
}

/** `https://…/directoryObjects/{id}` as Graph clients send it. */
export const ref = (s: TestServer, id: string) => ({ '@odata.id': `${s.url}/api/v1/directoryObjects/${id}` });
