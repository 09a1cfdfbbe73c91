import { normalizePolicy } from '../../../src/policy/conditional-access/normalize.ts';
import type { PolicyBody } from '../../../src/policy/conditional-access/schemas.ts';
import type { ConditionalAccessPolicy } from '../../../src/policy/conditional-access/types.ts';

export const GA = '62e90394-69f5-4237-9190-012177145e10';
export const PHISHING = '00000000-0000-0000-0000-000000000004';
export const MFA = '00000000-0000-0000-0000-000000000002';
export const PASSWORDLESS = '00000000-0000-0000-0000-000000000003';

let n = 0;
/** A complete policy from a Graph body; users All and applications All unless given. */
export function policy(body: PolicyBody & { id?: string }): ConditionalAccessPolicy {
  n += 1;
  const id = body.id ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return normalizePolicy(
    {
      displayName: `P${n}`,
      ...body,
      conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] }, ...(body.conditions ?? {}) },
    },
    null,
    id,
    '2026-01-01T00:00:00Z',
  );
}
