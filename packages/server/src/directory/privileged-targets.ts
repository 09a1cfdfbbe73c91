import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { Principal } from '../auth/principal.ts';
import { forbidden } from '../errors.ts';
import { ROLE, ROLE_DEFINITIONS } from './roles.ts';
import { assignedRoleTemplateIds } from './role-assignments-repository.ts';

/** Roles whose holders may change (update, disable, delete) any user, administrators included. */
const MANAGE_ANY_USER: readonly string[] = [ROLE.globalAdministrator, ROLE.privilegedAuthenticationAdministrator];

/**
 * Roles a User Administrator may still manage on a target (E "Who can perform sensitive actions":
 * a User Administrator manages non-admin users and users holding only limited admin roles —
 * Groups, Helpdesk and User Administrator, Reports Reader among those Latchkey has).
 */
const LIMITED_ADMIN_ROLES: readonly string[] = [ROLE.groupsAdministrator, ROLE.helpdeskAdministrator, ROLE.userAdministrator, ROLE.reportsReader];

/**
 * 403 unless `actor` may change the user `targetUserId`: holders of Global or Privileged
 * Authentication Administrator may change anyone; other callers (User Administrators, automation
 * with `User.ReadWrite.All` but no such role) only users without directory roles or with limited
 * admin roles. Roles count whatever the target account's state: a disabled Global Administrator
 * is still one. Without this, a User Administrator could disable or rename a Global Administrator.
 */
export async function assertMayManageUser(db: Kysely<DB>, actor: Principal, targetUserId: string): Promise<void> {
  if (actor.kind === 'system' || actor.roles.some((r) => MANAGE_ANY_USER.includes(r))) return;
  const privileged = (await assignedRoleTemplateIds(db, targetUserId)).filter((r) => !LIMITED_ADMIN_ROLES.includes(r));
  if (privileged.length === 0) return;
  const names = privileged.map((id) => ROLE_DEFINITIONS.find((d) => d.templateId === id)?.displayName ?? id);
  throw forbidden(`The target user holds a privileged role (${names.join(', ')}); only a Global Administrator or Privileged Authentication Administrator can change this user.`);
}
