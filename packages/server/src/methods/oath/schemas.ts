import { z } from 'zod';

/** zod shapes of the OATH admin API (Graph beta shapes, entra-spec §6.3), shared by the OATH route files. */
export const hardwareOathDevice = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  serialNumber: z.string(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  secretKey: z.null().describe('Write-only: always null'),
  timeIntervalInSeconds: z.union([z.literal(30), z.literal(60)]),
  hashFunction: z.enum(['hmacsha1', 'hmacsha256', 'hmacsha512']),
  digits: z.union([z.literal(6), z.literal(8)]),
  status: z.enum(['available', 'assigned', 'activated', 'failedActivation']),
  lastUsedDateTime: z.string().nullable(),
  createdDateTime: z.string(),
  assignedTo: z.object({ id: z.string(), displayName: z.string().nullable() }).nullable(),
});

export const hardwareOathMethod = z.object({
  '@odata.type': z.literal('#microsoft.graph.hardwareOathAuthenticationMethod'),
  id: z.string(),
  displayName: z.string().nullable(),
  device: hardwareOathDevice,
});

export const softwareOathMethod = z.object({
  '@odata.type': z.literal('#microsoft.graph.softwareOathAuthenticationMethod'),
  id: z.string(),
  secretKey: z.null(),
  displayName: z.string().nullable(),
  status: z.enum(['pending', 'activated']),
  createdDateTime: z.string(),
  lastUsedDateTime: z.string().nullable(),
});

export const verificationBody = z.strictObject({
  verificationCode: z.string().regex(/^\s*\d{6}(\d{2})?\s*$/, 'verificationCode must be 6 or 8 digits'),
  displayName: z.string().min(1).max(200).nullish(),
});

export const resyncBody = z.strictObject({ code1: z.string().regex(/^\d{6}(\d{2})?$/), code2: z.string().regex(/^\d{6}(\d{2})?$/) });

const issue = z.object({ line: z.number().int(), field: z.string().optional(), serialNumber: z.string().optional(), reason: z.string() });

export const importResult = z.object({
  format: z.enum(['csv', 'pskc']),
  ok: z.boolean(),
  rows: z.number().int(),
  imported: z.number().int(),
  assigned: z.number().int(),
  issues: z.array(issue),
});

export const oathSettings = z.object({
  windowSteps: z.number().int().min(0).max(10),
  activationWindowSteps: z.number().int().min(1).max(100),
  resyncWindowSteps: z.number().int().min(1).max(1000),
  tokenLockoutThreshold: z.number().int().min(1).max(100).describe('NIST SP 800-63B: at most 100'),
  userLockoutThreshold: z.number().int().min(1).max(100),
});
