import type { ModifiedProperty } from '../audit/record.ts';

/**
 * Graph audit `modifiedProperties` for the properties that changed, values written as Graph does
 * (a JSON array holding the value). Only directory properties pass through here, never secrets.
 */
export function modifiedProperties(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  names: readonly string[],
): ModifiedProperty[] {
  const out: ModifiedProperty[] = [];
  for (const n of names) {
    const oldV = before ? before[n] : undefined;
    const newV = after[n];
    if (before && JSON.stringify(oldV) === JSON.stringify(newV)) continue;
    if (!before && (newV === null || newV === undefined)) continue;
    out.push({
      displayName: n.charAt(0).toUpperCase() + n.slice(1),
      oldValue: oldV === undefined || oldV === null ? null : JSON.stringify([oldV]),
      newValue: newV === undefined || newV === null ? null : JSON.stringify([newV]),
    });
  }
  return out;
}

/** PostgreSQL unique_violation (SQLSTATE 23505), raised by both backends. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
