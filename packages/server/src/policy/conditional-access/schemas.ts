import { z } from 'zod';

/**
 * The request body of `POST/PATCH /identity/conditionalAccess/policies`: Graph's JSON, accepted
 * loosely so an Entra export pastes in (read-only `id`, `createdDateTime`, `@odata.context`… are
 * ignored). Types are checked here; the rules (what may combine with what) are `checks.ts`.
 */
const ids = z.array(z.string().max(256)).max(2048);
const users = z.looseObject({
  includeUsers: ids.optional(),
  excludeUsers: ids.optional(),
  includeGroups: ids.optional(),
  excludeGroups: ids.optional(),
  includeRoles: ids.optional(),
  excludeRoles: ids.optional(),
  includeGuestsOrExternalUsers: z.unknown().optional(),
  excludeGuestsOrExternalUsers: z.unknown().optional(),
});
const applications = z.looseObject({
  includeApplications: ids.optional(),
  excludeApplications: ids.optional(),
  includeUserActions: ids.optional(),
  includeAuthenticationContextClassReferences: ids.optional(),
  applicationFilter: z.unknown().optional(),
});
const conditions = z.looseObject({
  users: users.nullish(),
  applications: applications.nullish(),
  clientAppTypes: z.array(z.string().max(64)).max(16).nullish(),
  platforms: z
    .looseObject({
      includePlatforms: z.array(z.string().max(64)).max(16).nullish(),
      excludePlatforms: z.array(z.string().max(64)).max(16).nullish(),
    })
    .nullish(),
  locations: z.looseObject({ includeLocations: ids.nullish(), excludeLocations: ids.nullish() }).nullish(),
  signInRiskLevels: z.array(z.string().max(64)).max(16).nullish(),
  userRiskLevels: z.array(z.string().max(64)).max(16).nullish(),
  servicePrincipalRiskLevels: z.array(z.string().max(64)).max(16).nullish(),
});
export const signInFrequencySchema = z.looseObject({
  isEnabled: z.boolean().optional(),
  type: z.enum(['hours', 'days']).nullish(),
  value: z.int().min(0).max(100_000).nullish(),
  authenticationType: z.enum(['primaryAndSecondaryAuthentication', 'secondaryAuthentication', 'unknownFutureValue']).nullish(),
  frequencyInterval: z.enum(['timeBased', 'everyTime', 'unknownFutureValue']).nullish(),
});
const grantControls = z.looseObject({
  operator: z.string().max(8).nullish(),
  builtInControls: z.array(z.string().max(64)).max(16).nullish(),
  customAuthenticationFactors: z.array(z.string().max(256)).max(16).nullish(),
  termsOfUse: z.array(z.string().max(256)).max(16).nullish(),
  authenticationStrength: z.looseObject({ id: z.string().max(64) }).nullish(),
});
const sessionControls = z.looseObject({ signInFrequency: signInFrequencySchema.nullish() });

export const policyBodySchema = z.looseObject({
  displayName: z.string().max(256).optional(),
  state: z.enum(['enabled', 'disabled', 'enabledForReportingButNotEnforced']).optional(),
  conditions: conditions.optional(),
  grantControls: grantControls.nullish(),
  sessionControls: sessionControls.nullish(),
  templateId: z.string().max(64).nullish(),
});
export type PolicyBody = z.infer<typeof policyBodySchema>;

export const confirmQuerySchema = z.object({
  confirmLockout: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: apply the change even though lockout analysis says it locks someone out (see docs/policy/lockout-analysis.md).'),
});
