import type { Kysely } from 'kysely';
import type { DB } from './store/schema.ts';
import { ROLE } from './directory/roles.ts';
import { recordAudit } from './audit/record.ts';
import { systemContext } from './auth/principal.ts';

export interface BootstrapResult {
  created: boolean;
  userId: string;
  userPrincipalName: string;
}

/**
 * First start: when no principal holds Global Administrator, create the first administrator
 * (`LATCHKEY_BOOTSTRAP_ADMIN_UPN`) and assign the role, in one transaction with its audit entries.
 * Idempotent; concurrent first starts of several nodes create one admin (the unique UPN index).
 */
export async function ensureFirstAdmin(db: Kysely<DB>, upn: string): Promise<BootstrapResult> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('role_assignments')
      .innerJoin('users', 'users.id', 'role_assignments.principal_id')
      .select(['users.id', 'users.user_principal_name'])
      .where('role_assignments.role_template_id', '=', ROLE.globalAdministrator)
      .orderBy('role_assignments.created_at')
      .limit(1)
      .executeTakeFirst();
    if (existing) return { created: false, userId: existing.id, userPrincipalName: existing.user_principal_name };
    const ctx = systemContext();
    let user = await trx.selectFrom('users').select(['id', 'user_principal_name']).where((eb) => eb(eb.fn('lower', ['user_principal_name']), '=', upn.toLowerCase())).executeTakeFirst();
    if (!user) {
      user = { id: crypto.randomUUID(), user_principal_name: upn };
      const now = new Date();
      await trx
        .insertInto('users')
        .values({ id: user.id, user_principal_name: upn, display_name: 'Latchkey Administrator', mail: null, given_name: null, surname: null, mail_nickname: upn.split('@')[0] ?? null, job_title: null, department: null, created_at: now, updated_at: now })
        .execute();
      await recordAudit(trx, ctx, { category: 'UserManagement', activity: 'Add user', operationType: 'Add', targets: [{ id: user.id, type: 'User', userPrincipalName: upn, displayName: 'Latchkey Administrator' }], details: { reason: 'first start' } });
    }
    await trx
      .insertInto('role_assignments')
      .values({ id: crypto.randomUUID(), role_template_id: ROLE.globalAdministrator, principal_id: user.id, principal_type: 'user', created_at: new Date() })
      .execute();
    await recordAudit(trx, ctx, { category: 'RoleManagement', activity: 'Add member to role', operationType: 'Assign', targets: [{ id: ROLE.globalAdministrator, type: 'Role', displayName: 'Global Administrator' }, { id: user.id, type: 'User', userPrincipalName: upn }], details: { reason: 'first start' } });
    return { created: true, userId: user.id, userPrincipalName: user.user_principal_name };
  });
}
