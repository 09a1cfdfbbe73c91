import type { ODataResource } from '../odata/query.ts';
import { GROUP_PROPERTIES, USER_PROPERTIES } from './shapes.ts';

/**
 * What `$filter` and `$select` may name per directory collection. Graph documents `eq` and
 * `startswith` on these users/groups properties as supported without advanced queries
 * (G `aad-advanced-queries.md`, "default" column).
 */
export const USERS_RESOURCE: ODataResource = {
  name: 'users',
  selectable: USER_PROPERTIES,
  filterable: {
    id: { column: 'id', type: 'guid' },
    userPrincipalName: { column: 'user_principal_name', type: 'string', startswith: true },
    displayName: { column: 'display_name', type: 'string', startswith: true },
    givenName: { column: 'given_name', type: 'string', startswith: true, nullable: true },
    surname: { column: 'surname', type: 'string', startswith: true, nullable: true },
    mail: { column: 'mail', type: 'string', startswith: true, nullable: true },
    mailNickname: { column: 'mail_nickname', type: 'string', startswith: true, nullable: true },
    jobTitle: { column: 'job_title', type: 'string', startswith: true, nullable: true },
    department: { column: 'department', type: 'string', startswith: true, nullable: true },
    accountEnabled: { column: 'account_enabled', type: 'boolean' },
  },
};

export const GROUPS_RESOURCE: ODataResource = {
  name: 'groups',
  selectable: GROUP_PROPERTIES,
  filterable: {
    id: { column: 'id', type: 'guid' },
    displayName: { column: 'display_name', type: 'string', startswith: true },
    mailNickname: { column: 'mail_nickname', type: 'string', startswith: true },
    description: { column: 'description', type: 'string', startswith: true, nullable: true },
    securityEnabled: { column: 'security_enabled', type: 'boolean' },
    mailEnabled: { column: 'mail_enabled', type: 'boolean' },
    isAssignableToRole: { column: 'is_assignable_to_role', type: 'boolean' },
  },
};

/** members / memberOf collections: directory objects of both kinds; filter by id only. */
export const DIRECTORY_OBJECTS_RESOURCE: ODataResource = {
  name: 'directoryObjects',
  selectable: [...new Set([...USER_PROPERTIES, ...GROUP_PROPERTIES])],
  filterable: { id: { column: 'id', type: 'guid' } },
};

export const ROLE_ASSIGNMENTS_RESOURCE: ODataResource = {
  name: 'roleAssignments',
  selectable: ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'createdDateTime'],
  filterable: {
    id: { column: 'id', type: 'guid' },
    principalId: { column: 'principal_id', type: 'guid' },
    roleDefinitionId: { column: 'role_template_id', type: 'guid' },
    directoryScopeId: { column: 'directory_scope_id', type: 'string' },
  },
};
