import type { TestServer } from '../support/server.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.ts';
import { rowCounts } from '../support/counts.ts';

/** Row and audit counts, to prove a rejected request wrote nothing. */
export async function counts(s: TestServer | Kysely<DB>): Promise<Record<string, number>> {
  const db = 'runtime' in s ? s.runtime.store.db : s;
  return rowCounts(db, { users: 'users', groups: 'groups', members: 'group_members', roles: 'role_assignments', audit: 'audit_log' });
}

/** `https://…/directoryObjects/{id}` as Graph clients send it. */
export const ref = (s: TestServer, id: string) => ({ '@odata.id': `${s.url}/api/v1/directoryObjects/${id}` });
