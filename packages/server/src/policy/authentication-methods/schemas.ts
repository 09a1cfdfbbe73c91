import { z } from 'zod';
import { ALL_USERS, ODATA_TYPE } from './types.ts';

/**
 * zod schemas for PATCH bodies, one strict object per method (unknown properties → 400). They
 * check shape and ranges only; rules that span properties or need the stored configuration
 * (min ≤ default ≤ max, profile references, existing targets) are the named checks in `checks.ts`.
 * The same schemas produce the OpenAPI document.
 */

/** GUIDs as Graph writes them (any version nibble: the Default profile id is …0001). Stored lower-case. */
export const guid = z.guid().transform((s) => s.toLowerCase());

const state = z.enum(['enabled', 'disabled']);
const targetType = z.enum(['user', 'group']);
const targetId = z.union([z.literal(ALL_USERS), guid]);

export const includeTargetSchema = z.strictObject({
  targetType,
  id: targetId,
  isRegistrationRequired: z.boolean().optional(),
});

export const passkeyTargetSchema = z.strictObject({
  targetType,
  id: targetId,
  isRegistrationRequired: z.boolean().optional(),
  allowedPasskeyProfiles: z.array(guid).max(3).optional(),
});

export const excludeTargetSchema = z.strictObject({ targetType, id: targetId });

const keyRestrictions = z.strictObject({
  isEnforced: z.boolean(),
  enforcementType: z.enum(['allow', 'block']),
  aaGuids: z.array(guid).max(500),
});

/** Graph flags enum: `deviceBound`, `synced`, or both comma-separated in any order; stored canonically. */
const passkeyTypes = z
  .string()
  .regex(
    /^\s*(deviceBound|synced)\s*(,\s*(deviceBound|synced)\s*)?$/,
    "passkeyTypes must be 'deviceBound', 'synced' or 'deviceBound,synced'",
  )
  .transform((s) => {
    const set = new Set(s.split(',').map((x) => x.trim()));
    return set.size === 2 ? 'deviceBound,synced' : ([...set][0] as 'deviceBound' | 'synced');
  });

export const passkeyProfileSchema = z.strictObject({
  id: guid,
  name: z.string().trim().min(1).max(128),
  passkeyTypes: passkeyTypes,
  attestationEnforcement: z.enum(['disabled', 'registrationOnly']),
  keyRestrictions,
});

/** OData annotations a Graph GET carries, accepted so a read-modify-write round trip works; ignored. */
const annotations = {
  '@odata.context': z.string().optional(),
  'includeTargets@odata.context': z.string().optional(),
  'excludeTargets@odata.context': z.string().optional(),
};

const common = {
  ...annotations,
  /** May repeat the configuration id from the URL; must then match it (case-insensitively). */
  id: z.string().optional(),
  state: state.optional(),
  includeTargets: z.array(includeTargetSchema).optional(),
  excludeTargets: z.array(excludeTargetSchema).optional(),
};

const featureTarget = z.strictObject({ targetType, id: z.union([z.literal(ALL_USERS), guid]) });
const featureConfiguration = z.strictObject({
  state: z.enum(['default', 'enabled', 'disabled']),
  includeTarget: featureTarget,
  excludeTarget: featureTarget,
});

// 10 minutes .. 30 days; length 8..48 (entra-spec §3.1).
const lifetime = z.int().min(10).max(43_200);

export const fido2PatchSchema = z.strictObject({
  '@odata.type': z.literal(ODATA_TYPE.Fido2),
  ...common,
  includeTargets: z.array(passkeyTargetSchema).optional(),
  isSelfServiceRegistrationAllowed: z.boolean().optional(),
  isAttestationEnforced: z.boolean().optional(),
  /** Partial: given properties replace the stored ones. */
  keyRestrictions: keyRestrictions.partial().optional(),
  passkeyProfiles: z.array(passkeyProfileSchema).optional(),
  'passkeyProfiles@odata.context': z.string().optional(),
});

export const temporaryAccessPassPatchSchema = z.strictObject({
  '@odata.type': z.literal(ODATA_TYPE.TemporaryAccessPass),
  ...common,
  defaultLifetimeInMinutes: lifetime.optional(),
  minimumLifetimeInMinutes: lifetime.optional(),
  maximumLifetimeInMinutes: lifetime.optional(),
  defaultLength: z.int().min(8).max(48).optional(),
  isUsableOnce: z.boolean().optional(),
});

export const microsoftAuthenticatorPatchSchema = z.strictObject({
  '@odata.type': z.literal(ODATA_TYPE.MicrosoftAuthenticator),
  ...common,
  includeTargets: z
    .array(includeTargetSchema.extend({ authenticationMode: z.enum(['any', 'push', 'deviceBasedPush']).optional() }))
    .optional(),
  isSoftwareOathEnabled: z.boolean().optional(),
  featureSettings: z
    .strictObject({
      displayAppInformationRequiredState: featureConfiguration.optional(),
      displayLocationInformationRequiredState: featureConfiguration.optional(),
    })
    .optional(),
});

export const smsPatchSchema = z.strictObject({
  '@odata.type': z.literal(ODATA_TYPE.Sms),
  ...common,
  includeTargets: z.array(includeTargetSchema.extend({ isUsableForSignIn: z.boolean().optional() })).optional(),
});

export const emailPatchSchema = z.strictObject({
  '@odata.type': z.literal(ODATA_TYPE.Email),
  ...common,
  allowExternalIdToUseEmailOtp: z.enum(['default', 'enabled', 'disabled']).optional(),
});

export const voicePatchSchema = z.strictObject({
  '@odata.type': z.literal(ODATA_TYPE.Voice),
  ...common,
  isOfficePhoneAllowed: z.boolean().optional(),
});
export const softwareOathPatchSchema = z.strictObject({ '@odata.type': z.literal(ODATA_TYPE.SoftwareOath), ...common });
export const hardwareOathPatchSchema = z.strictObject({ '@odata.type': z.literal(ODATA_TYPE.HardwareOath), ...common });
export const passwordPatchSchema = z.strictObject({ '@odata.type': z.literal(ODATA_TYPE.Password), ...common });

/** Any configuration PATCH body; `@odata.type` selects the schema (Graph requires it, entra-spec §4.2). */
export const configurationPatchSchema = z.discriminatedUnion('@odata.type', [
  fido2PatchSchema,
  microsoftAuthenticatorPatchSchema,
  smsPatchSchema,
  temporaryAccessPassPatchSchema,
  emailPatchSchema,
  softwareOathPatchSchema,
  hardwareOathPatchSchema,
  voicePatchSchema,
  passwordPatchSchema,
]);

/** Graph `authenticationMethodsRegistrationCampaign` (entra-spec §7.5); given properties replace stored ones. */
export const registrationCampaignPatchSchema = z.strictObject({
  snoozeDurationInDays: z.int().min(0).max(14).optional(),
  enforceRegistrationAfterAllowedSnoozes: z.boolean().optional(),
  state: z.enum(['default', 'enabled', 'disabled']).optional(),
  includeTargets: z
    .array(
      z.strictObject({
        id: targetId,
        targetType,
        targetedAuthenticationMethod: z.enum(['microsoftAuthenticator', 'fido2']).default('microsoftAuthenticator'),
      }),
    )
    .max(50)
    .optional(),
  excludeTargets: z.array(excludeTargetSchema).max(50).optional(),
});

/** `PATCH /policies/authenticationMethodsPolicy`: the policy's own properties; configurations have their own endpoint. */
export const policyPatchSchema = z.strictObject({
  ...annotations,
  id: z.literal('authenticationMethodsPolicy').optional(),
  policyMigrationState: z.enum(['preMigration', 'migrationInProgress', 'migrationComplete']).optional(),
  registrationEnforcement: z
    .strictObject({ authenticationMethodsRegistrationCampaign: registrationCampaignPatchSchema.optional() })
    .optional(),
});

export type PolicyPatch = z.output<typeof policyPatchSchema>;
export type ConfigurationPatch = z.output<typeof configurationPatchSchema>;
export type Fido2Patch = z.output<typeof fido2PatchSchema>;
export type TemporaryAccessPassPatch = z.output<typeof temporaryAccessPassPatchSchema>;
