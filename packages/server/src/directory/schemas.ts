import { z } from 'zod';

/**
 * Request bodies for users and groups, shared by the HTTP routes (and so `/openapi.json`) and the
 * CLI ops. Limits are Graph's (G `resources/user.md`, `resources/group.md`, entra-spec §8.6):
 * displayName ≤ 256, givenName/surname/department/mailNickname ≤ 64, jobTitle ≤ 128,
 * userPrincipalName ≤ 113 with an alias of ≤ 64 characters from A–Z a–z 0–9 ' . - _ ! # ^ ~.
 */
const UPN_ALIAS = /^[A-Za-z0-9'_!#^~-]+(?:\.[A-Za-z0-9'_!#^~-]+)*$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const userPrincipalName = z
  .string()
  .max(113, 'userPrincipalName is longer than 113 characters')
  .refine((v) => {
    const at = v.lastIndexOf('@');
    if (at < 1 || v.indexOf('@') !== at) return false;
    const alias = v.slice(0, at);
    const domain = v.slice(at + 1);
    return alias.length <= 64 && UPN_ALIAS.test(alias) && domain.length <= 253 && DOMAIN.test(domain);
  }, "userPrincipalName must look like alias@domain (alias ≤ 64 characters of A-Z a-z 0-9 ' . - _ ! # ^ ~)");

/** PostgreSQL text cannot hold NUL, and control characters have no place in directory names. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const printable = (v: string) => v.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(v);
const text = (max: number) => z.string().max(max, `longer than ${max} characters`).refine(printable, 'must not contain control characters');
const optionalText = (max: number) => text(max).nullable().optional();
const displayName = text(256).regex(/\S/, 'must not be blank');
const mail = text(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
  .nullable()
  .optional();
/** Graph mailNickname: ASCII 0–127 except @ ( ) \ [ ] " ; : . < > , and space (entra-spec §8.6). */
export const mailNickname = text(64)
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII')
  .regex(/^[^@()\\[\]";:.<>,]+$/, 'must not contain @ ( ) \\ [ ] " ; : . < > ,');

export const userCreateSchema = z.strictObject({
  '@odata.type': z.literal('#microsoft.graph.user').optional(),
  userPrincipalName,
  displayName,
  accountEnabled: z.boolean().optional().describe('Default true.'),
  givenName: optionalText(64),
  surname: optionalText(64),
  mail,
  mailNickname: mailNickname.nullable().optional().describe("Default: the userPrincipalName's alias."),
  jobTitle: optionalText(128),
  department: optionalText(64),
  passwordProfile: z
    .unknown()
    .optional()
    .describe('Refused: Latchkey users are passwordless (set a legacy password through the password method).'),
});
export type UserCreateInput = z.infer<typeof userCreateSchema>;

export const userPatchSchema = z.strictObject({
  '@odata.type': z.literal('#microsoft.graph.user').optional(),
  userPrincipalName: userPrincipalName.optional(),
  displayName: displayName.optional(),
  accountEnabled: z.boolean().optional(),
  givenName: optionalText(64),
  surname: optionalText(64),
  mail,
  mailNickname: mailNickname.nullable().optional(),
  jobTitle: optionalText(128),
  department: optionalText(64),
  passwordProfile: z.unknown().optional().describe('Refused, as on create.'),
});
export type UserPatchInput = z.infer<typeof userPatchSchema>;

const bindList = z.array(z.string().max(2048)).max(20, 'at most 20 references in one request (entra-spec §8.6)');

export const groupCreateSchema = z.strictObject({
  '@odata.type': z.literal('#microsoft.graph.group').optional(),
  displayName,
  mailNickname: mailNickname.optional().describe('Default: derived from displayName.'),
  mailEnabled: z.boolean().optional().describe('Must be false: Latchkey groups are security groups.'),
  securityEnabled: z.boolean().optional().describe('Must be true (default).'),
  groupTypes: z.array(text(64)).max(4).optional().describe('Must be [] (security group).'),
  description: optionalText(1024),
  isAssignableToRole: z
    .boolean()
    .optional()
    .describe('Role-assignable groups can hold directory roles; they cannot contain groups. Needs RoleManagement.ReadWrite.Directory.'),
  'members@odata.bind': bindList.optional(),
});
export type GroupCreateInput = z.infer<typeof groupCreateSchema>;

export const groupPatchSchema = z.strictObject({
  '@odata.type': z.literal('#microsoft.graph.group').optional(),
  displayName: displayName.optional(),
  mailNickname: mailNickname.optional(),
  description: optionalText(1024),
  'members@odata.bind': bindList.optional().describe('Adds members, all or nothing.'),
});
export type GroupPatchInput = z.infer<typeof groupPatchSchema>;

/** `POST /groups/{id}/members/$ref` body (entra-spec §8.6). */
export const memberRefSchema = z.strictObject({ '@odata.id': z.string().min(1).max(2048) });

export const roleAssignmentCreateSchema = z.strictObject({
  '@odata.type': z.literal('#microsoft.graph.unifiedRoleAssignment').optional(),
  principalId: z.string().max(64),
  roleDefinitionId: z.string().max(64),
  directoryScopeId: z.string().max(256).optional().describe('Only "/" (the whole directory) is supported; default "/".'),
});
export type RoleAssignmentCreateInput = z.infer<typeof roleAssignmentCreateSchema>;
