/**
 * The Graph resource shapes the console reads (Microsoft Graph v1.0 names, Latchkey subset).
 * Fields the server may leave out are optional, so the console degrades instead of breaking.
 */

/** A page of a collection: `value` plus the entire next URL when there is more (Graph paging). */
export interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

/** Graph `user`. */
export interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  accountEnabled: boolean;
  createdDateTime: string;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  /** Sign-ins before this moment were revoked (revokeSignInSessions); null when never. */
  signInSessionsValidFromDateTime?: string | null;
}

/** Body of `POST /users`. */
export interface NewUser {
  userPrincipalName: string;
  displayName: string;
  mail?: string;
  accountEnabled: boolean;
}

/** Body of `PATCH /users/{id}`: only the properties to change; null clears an optional one. */
export interface UserPatch {
  displayName?: string;
  userPrincipalName?: string;
  accountEnabled?: boolean;
  mail?: string | null;
  jobTitle?: string | null;
  department?: string | null;
}

/** Graph `group` (security groups). */
export interface Group {
  id: string;
  displayName: string;
  description?: string | null;
  mail?: string | null;
  securityEnabled?: boolean;
  mailEnabled?: boolean;
  createdDateTime?: string;
}

/** An item of `members` / `memberOf`: a user or a group, told apart by `@odata.type`. */
export interface DirectoryObject {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  description?: string | null;
}

/** Graph `unifiedRoleDefinition`. */
export interface RoleDefinition {
  id: string;
  displayName: string;
  description?: string | null;
  templateId?: string;
  isBuiltIn?: boolean;
  isPrivileged?: boolean;
}

/** Graph `unifiedRoleAssignment` (with `principal` when the server expands it). */
export interface RoleAssignment {
  id: string;
  roleDefinitionId: string;
  principalId: string;
  directoryScopeId?: string;
  createdDateTime?: string;
  principal?: DirectoryObject | null;
}

export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface TargetResource {
  id: string;
  displayName: string | null;
  type: string | null;
  userPrincipalName: string | null;
  modifiedProperties: ModifiedProperty[];
}

/** Graph `directoryAudit`. `initiatedBy` holds either a user or an app identity. */
export interface DirectoryAudit {
  id: string;
  category: string;
  correlationId: string | null;
  result: string;
  resultReason: string | null;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  operationType: string;
  initiatedBy: { user: Record<string, unknown> | null; app: Record<string, unknown> | null };
  targetResources: TargetResource[];
  additionalDetails: Array<{ key: string; value: string }>;
}

/** Graph `softwareOathAuthenticationMethod` (an authenticator app), for the user (My Security Info) and for admins. */
export interface SoftwareOathMethod {
  id: string;
  displayName: string | null;
  status: 'pending' | 'activated';
  createdDateTime: string;
  lastUsedDateTime: string | null;
}

/** Graph beta `hardwareOathAuthenticationMethod`: the method id is the token's device id. */
export interface HardwareOathMethod {
  id: string;
  displayName: string | null;
  device: {
    serialNumber: string;
    manufacturer: string | null;
    model: string | null;
    status: 'available' | 'assigned' | 'activated' | 'failedActivation';
    lastUsedDateTime: string | null;
  };
}
