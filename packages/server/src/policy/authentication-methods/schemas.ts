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

export const passkeyProfileSchema = z.strictObject({
  id: guid,
  name: z.string().trim().min(1).max(128),
  passkeyTypes: z.enum(['deviceBound', 'synced', 'deviceBound,synced']),
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

export const softwareOathPatchSchema = z.strictObject({ '@odata.type': z.literal(ODATA_TYPE.SoftwareOath), ...common });
export const hardwareOathPatchSchema = z.strictObject({ '@odata.type': z.literal(ODATA_TYPE.HardwareOath), ...common });
export const passwordPatchSchema = z.strictObject({ '@odata.type': z.literal(ODATA_TYPE.Password), ...common });

/** Any configuration PATCH body; `@odata.type` selects the schema (Graph requires it, entra-spec §4.2). */
export const configurationPatchSchema = z.discriminatedUnion('@odata.type', [
  fido2PatchSchema,
  temporaryAccessPassPatchSchema,
  softwareOathPatchSchema,
  hardwareOathPatchSchema,
  passwordPatchSchema,
]);

export type ConfigurationPatch = z.output<typeof configurationPatchSchema>;
export type Fido2Patch = z.output<typeof fido2PatchSchema>;
export type TemporaryAccessPassPatch = z.output<typeof temporaryAccessPassPatchSchema>;
