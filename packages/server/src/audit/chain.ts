import { createHash } from 'node:crypto';

/** The first entry's `prev_hash`. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an audit entry's hash covers: everything but the hash itself. */
export interface ChainedContent {
  seq: number;
  id: string;
  activityDateTime: string;
  category: string;
  activityDisplayName: string;
  operationType: string;
  result: string;
  resultReason: string | null;
  initiatedBy: unknown;
  targetResources: unknown;
  additionalDetails: unknown;
  correlationId: string | null;
  ipAddress: string | null;
  loggedByService: string;
}

/** hash = SHA-256(prevHash ‖ canonical JSON of the content). Pure; used to write and to verify. */
export function entryHash(prevHash: string, content: ChainedContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
