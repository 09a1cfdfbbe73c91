/**
 * Directory roles, by Entra's role template ids (stable across tenants), so exported role
 * assignments and `wids` claims mean the same thing in Latchkey and in Entra.
 */
export const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  authenticationPolicyAdministrator: '0526716b-113d-4c15-b2c8-68e3c22b9f80',
  conditionalAccessAdministrator: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
} as const;

export type RoleName = keyof typeof ROLE;

export interface RoleDefinition {
  id: string;
  templateId: string;
  displayName: string;
  description: string;
  isBuiltIn: true;
  isPrivileged: boolean;
}

const def = (name: RoleName, displayName: string, description: string, isPrivileged: boolean): RoleDefinition => ({
  id: ROLE[name],
  templateId: ROLE[name],
  displayName,
  description,
  isBuiltIn: true,
  isPrivileged,
});

/** The built-in role catalogue (Graph `unifiedRoleDefinition` subset). */
export const ROLE_DEFINITIONS: readonly RoleDefinition[] = [
  def('globalAdministrator', 'Global Administrator', 'Can manage all aspects of Latchkey.', true),
  def(
    'privilegedAuthenticationAdministrator',
    'Privileged Authentication Administrator',
    'Can view, set and reset authentication method information for any user (admin or non-admin).',
    true,
  ),
  def(
    'authenticationAdministrator',
    'Authentication Administrator',
    'Can view, set and reset authentication method information for any non-admin user.',
    true,
  ),
  def(
    'authenticationPolicyAdministrator',
    'Authentication Policy Administrator',
    'Can create and manage the authentication methods policy and password protection policy.',
    true,
  ),
  def('conditionalAccessAdministrator', 'Conditional Access Administrator', 'Can manage Conditional Access capabilities.', true),
  def(
    'helpdeskAdministrator',
    'Helpdesk Administrator',
    'Can reset passwords and issue Temporary Access Passes for non-administrators.',
    true,
  ),
  def('globalReader', 'Global Reader', 'Can read everything that a Global Administrator can, but not update anything.', true),
  def('userAdministrator', 'User Administrator', 'Can manage all aspects of users and groups.', true),
  def('groupsAdministrator', 'Groups Administrator', 'Members of this role can create/manage groups and group settings.', false),
  def('securityAdministrator', 'Security Administrator', 'Can read security information and reports, and manage configuration.', true),
  def('securityReader', 'Security Reader', 'Can read security information and reports.', true),
  def('privilegedRoleAdministrator', 'Privileged Role Administrator', 'Can manage role assignments.', true),
  def('applicationAdministrator', 'Application Administrator', 'Can create and manage all aspects of app registrations.', true),
  def('reportsReader', 'Reports Reader', 'Can read sign-in and audit reports.', false),
];

export function roleByNameOrId(nameOrId: string): RoleDefinition | undefined {
  const lower = nameOrId.toLowerCase().replace(/[\s_-]/g, '');
  return ROLE_DEFINITIONS.find(
    (r) =>
      r.id === nameOrId ||
      r.displayName.toLowerCase().replace(/\s/g, '') === lower ||
      lower === r.displayName.toLowerCase().replace(/[\s]/g, ''),
  );
}
