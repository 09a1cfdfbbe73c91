import { ROLE } from '../directory/roles.ts';
import type { Principal } from './principal.ts';
import { ApiError } from '../errors.ts';

/**
 * What each admin-API operation needs: one of the Graph permissions (delegated `scp` or
 * application `roles`) AND one of the directory roles (Entra's `wids`). Both are checked,
 * because a token's scopes say what the *client* may do and roles say what the *caller* may do.
 * `*.ReadWrite.*` implies the matching `*.Read.*`.
 */
export interface PermissionRule {
  scopes: readonly string[];
  roles: readonly string[];
}

const READERS = [ROLE.globalAdministrator, ROLE.globalReader, ROLE.securityAdministrator, ROLE.securityReader];
const USER_ADMINS = [ROLE.globalAdministrator, ROLE.userAdministrator, ROLE.privilegedAuthenticationAdministrator, ROLE.authenticationAdministrator, ROLE.helpdeskAdministrator];

export const PERMISSIONS = {
  'users.read': { scopes: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], roles: [...READERS, ...USER_ADMINS, ROLE.groupsAdministrator, ROLE.conditionalAccessAdministrator] },
  'users.write': { scopes: ['User.ReadWrite.All', 'Directory.ReadWrite.All'], roles: [ROLE.globalAdministrator, ROLE.userAdministrator, ROLE.privilegedAuthenticationAdministrator] },
  // revokeSignInSessions (G user-revokesigninsessions.md: User.RevokeSessions.All; User.ReadWrite.All / Directory.ReadWrite.All include it).
  'users.revokeSessions': { scopes: ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'], roles: USER_ADMINS },
  'groups.read': { scopes: ['Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], roles: [...READERS, ...USER_ADMINS, ROLE.groupsAdministrator, ROLE.conditionalAccessAdministrator] },
  'groups.write': { scopes: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'], roles: [ROLE.globalAdministrator, ROLE.groupsAdministrator, ROLE.userAdministrator] },
  'groupMembers.write': { scopes: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], roles: [ROLE.globalAdministrator, ROLE.groupsAdministrator, ROLE.userAdministrator] },
  'roles.read': { scopes: ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'], roles: [...READERS, ROLE.privilegedRoleAdministrator, ...USER_ADMINS] },
  'roles.write': { scopes: ['RoleManagement.ReadWrite.Directory'], roles: [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator] },
  'audit.read': { scopes: ['AuditLog.Read.All'], roles: [...READERS, ROLE.reportsReader] },
  'applications.read': { scopes: ['Application.Read.All', 'Application.ReadWrite.All'], roles: [...READERS, ROLE.applicationAdministrator] },
  'applications.write': { scopes: ['Application.ReadWrite.All'], roles: [ROLE.globalAdministrator, ROLE.applicationAdministrator] },
  // Authentication methods policy (G rbac-authentication-methods-policy-apis-read/-write).
  'authMethodsPolicy.read': { scopes: ['Policy.Read.All', 'Policy.ReadWrite.AuthenticationMethod'], roles: [...READERS, ROLE.authenticationPolicyAdministrator] },
  'authMethodsPolicy.write': { scopes: ['Policy.ReadWrite.AuthenticationMethod'], roles: [ROLE.globalAdministrator, ROLE.authenticationPolicyAdministrator, ROLE.securityAdministrator] },
  // A user's authentication methods, acting on another user (G rbac-authentication-methods-apis-read-others/-write-others).
  'userAuthMethods.read': { scopes: ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'], roles: [ROLE.globalAdministrator, ROLE.globalReader, ROLE.authenticationAdministrator, ROLE.privilegedAuthenticationAdministrator] },
  'userAuthMethods.write': { scopes: ['UserAuthenticationMethod.ReadWrite.All'], roles: [ROLE.globalAdministrator, ROLE.authenticationAdministrator, ROLE.privilegedAuthenticationAdministrator] },
  'conditionalAccess.read': { scopes: ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess'], roles: [...READERS, ROLE.conditionalAccessAdministrator] },
  'conditionalAccess.write': { scopes: ['Policy.ReadWrite.ConditionalAccess'], roles: [ROLE.globalAdministrator, ROLE.conditionalAccessAdministrator, ROLE.securityAdministrator] },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

/** Every Graph permission name Latchkey knows; the default scope set of a Global Administrator CLI token. */
export const ALL_SCOPES: readonly string[] = [...new Set(Object.values(PERMISSIONS).flatMap((r) => r.scopes))].sort();

export function hasPermission(principal: Principal, permission: Permission): boolean {
  const rule: PermissionRule = PERMISSIONS[permission];
  if (principal.kind === 'system') return true;
  const scopeOk = rule.scopes.some((s) => principal.scopes.includes(s));
  const roleOk = rule.roles.some((r) => principal.roles.includes(r));
  return scopeOk && roleOk;
}

export function assertPermission(principal: Principal, permission: Permission): void {
  if (hasPermission(principal, permission)) return;
  const rule: PermissionRule = PERMISSIONS[permission];
  const scopeOk = rule.scopes.some((s) => principal.scopes.includes(s));
  throw new ApiError(
    'Authorization_RequestDenied',
    scopeOk
      ? 'Insufficient privileges to complete the operation: the caller holds no directory role that allows it.'
      : `Insufficient privileges to complete the operation: the token lacks one of the permissions ${rule.scopes.join(', ')}.`,
  );
}
