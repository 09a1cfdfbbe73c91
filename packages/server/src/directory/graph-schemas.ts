import { z } from 'zod';

/** Response contracts (Graph shapes) for the directory routes; `/openapi.json` is generated from them. */
const nullableString = z.string().nullable();

export const graphUserSchema = z.object({
  '@odata.type': z.literal('#microsoft.graph.user').optional(),
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  givenName: nullableString,
  surname: nullableString,
  mail: nullableString,
  mailNickname: nullableString,
  jobTitle: nullableString,
  department: nullableString,
  accountEnabled: z.boolean(),
  createdDateTime: z.string(),
  signInSessionsValidFromDateTime: nullableString.optional().describe('Sign-ins before this moment were revoked (revokeSignInSessions).'),
});

export const graphGroupSchema = z.object({
  '@odata.type': z.literal('#microsoft.graph.group').optional(),
  id: z.string(),
  displayName: z.string(),
  description: nullableString,
  mailNickname: z.string(),
  mailEnabled: z.boolean(),
  securityEnabled: z.boolean(),
  groupTypes: z.array(z.string()),
  isAssignableToRole: z.boolean(),
  createdDateTime: z.string(),
});

/** A directoryObject in members/memberOf: a user or a group, told apart by `@odata.type`; `$select` may trim it. */
export const directoryObjectSchema = z.object({
  ...graphUserSchema.partial().shape,
  ...graphGroupSchema.partial().shape,
  '@odata.type': z.enum(['#microsoft.graph.user', '#microsoft.graph.group']),
  id: z.string(),
  mailNickname: nullableString.optional(),
});

export const roleAssignmentSchema = z.object({
  id: z.string(),
  principalId: z.string(),
  roleDefinitionId: z.string(),
  directoryScopeId: z.string(),
  createdDateTime: z.string(),
});

export const roleDefinitionSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  displayName: z.string(),
  description: z.string(),
  isBuiltIn: z.boolean(),
  isEnabled: z.boolean(),
  isPrivileged: z.boolean(),
});
