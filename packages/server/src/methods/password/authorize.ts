import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { Principal } from '../../auth/principal.ts';
import { ROLE } from '../../directory/roles.ts';
import { forbidden } from '../../errors.ts';
import { assignedRoleTemplateIds } from '../../directory/role-assignments-repository.ts';

const ANY_USER = [ROLE.globalAdministrator, ROLE.privilegedAuthenticationAdministrator];

/**
 * Who may change another user's authentication methods, beyond the route's permission check:
 * - nobody acts on their own account through the admin API (G authenticationMethod-resetPassword:
 *   "cannot be performed on a user's own account");
 * - Authentication Administrators only on users without directory roles; Global and Privileged
 *   Authentication Administrators on anyone (E/G role reference: "non-admin users").
 * Shared logic for TAP and other method admin APIs; candidates to move to `auth/` when they land.
 */
export async function assertMayManageMethodsOf(db: Kysely<DB>, principal: Principal, targetUserId: string): Promise<void> {
  if (principal.kind === 'system') return;
  if (principal.kind === 'user' && principal.id.toLowerCase() === targetUserId.toLowerCase()) {
    throw forbidden("The operation cannot be performed on the caller's own account.");
  }
  if (principal.roles.some((r) => (ANY_USER as readonly string[]).includes(r))) return;
  const targetRoles = await assignedRoleTemplateIds(db, targetUserId);
  if (targetRoles.length > 0) {
    throw forbidden(
      'The target user holds a directory role; only a Global Administrator or Privileged Authentication Administrator can change their authentication methods.',
    );
  }
}
