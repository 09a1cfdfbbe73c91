import type { Selectable } from 'kysely';
import type { GroupsTable, RoleAssignmentsTable, UsersTable } from '../store/schema.ts';

/** Graph `user` (the default property set Latchkey keeps; G `resources/user.md`). */
export interface GraphUser {
  '@odata.type'?: '#microsoft.graph.user';
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  mailNickname: string | null;
  jobTitle: string | null;
  department: string | null;
  accountEnabled: boolean;
  createdDateTime: string;
  /** Sign-ins before this moment were revoked (revokeSignInSessions; ADR 0017); null when never revoked. */
  signInSessionsValidFromDateTime: string | null;
}

/** Graph `group` (security groups; G `resources/group.md`). */
export interface GraphGroup {
  '@odata.type'?: '#microsoft.graph.group';
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  isAssignableToRole: boolean;
  createdDateTime: string;
}

/** Graph `unifiedRoleAssignment`. */
export interface GraphRoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  createdDateTime: string;
}

export type UserRow = Selectable<UsersTable>;
export type GroupRow = Selectable<GroupsTable>;
export type RoleAssignmentRow = Selectable<RoleAssignmentsTable>;

export const USER_PROPERTIES = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'jobTitle',
  'department',
  'accountEnabled',
  'createdDateTime',
  'signInSessionsValidFromDateTime',
] as const;
export const GROUP_PROPERTIES = [
  'id',
  'displayName',
  'description',
  'mailNickname',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'isAssignableToRole',
  'createdDateTime',
] as const;

export function toGraphUser(r: UserRow): GraphUser {
  return {
    id: r.id,
    userPrincipalName: r.user_principal_name,
    displayName: r.display_name,
    givenName: r.given_name,
    surname: r.surname,
    mail: r.mail,
    mailNickname: r.mail_nickname,
    jobTitle: r.job_title,
    department: r.department,
    accountEnabled: r.account_enabled,
    createdDateTime: new Date(r.created_at).toISOString(),
    signInSessionsValidFromDateTime: r.sign_in_sessions_valid_from ? new Date(r.sign_in_sessions_valid_from).toISOString() : null,
  };
}

export function toGraphGroup(r: GroupRow): GraphGroup {
  return {
    id: r.id,
    displayName: r.display_name,
    description: r.description,
    mailNickname: r.mail_nickname,
    mailEnabled: r.mail_enabled,
    securityEnabled: r.security_enabled,
    groupTypes: r.group_types,
    isAssignableToRole: r.is_assignable_to_role,
    createdDateTime: new Date(r.created_at).toISOString(),
  };
}

export function toGraphRoleAssignment(r: RoleAssignmentRow): GraphRoleAssignment {
  return {
    id: r.id,
    principalId: r.principal_id,
    roleDefinitionId: r.role_template_id,
    directoryScopeId: r.directory_scope_id,
    createdDateTime: new Date(r.created_at).toISOString(),
  };
}

/** A directoryObject in a members / memberOf collection, tagged with its `@odata.type`. */
export type DirectoryObject =
  (GraphUser & { '@odata.type': '#microsoft.graph.user' }) | (GraphGroup & { '@odata.type': '#microsoft.graph.group' });

export const asUserObject = (u: GraphUser): DirectoryObject => ({ '@odata.type': '#microsoft.graph.user', ...u });
export const asGroupObject = (g: GraphGroup): DirectoryObject => ({ '@odata.type': '#microsoft.graph.group', ...g });
