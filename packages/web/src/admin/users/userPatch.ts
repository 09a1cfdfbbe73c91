import type { User, UserPatch } from '../../api/types.ts';

const OPTIONAL = ['mail', 'jobTitle', 'department'] as const;

/** The edit form's text fields. */
export type UserDraft = Record<'displayName' | 'userPrincipalName' | (typeof OPTIONAL)[number], string>;

/** The changed properties only; an emptied optional field becomes null (Graph clears it). */
export function userPatch(before: User, draft: UserDraft): UserPatch {
  const patch: UserPatch = {};
  if (draft.displayName.trim() !== before.displayName) patch.displayName = draft.displayName.trim();
  if (draft.userPrincipalName.trim() !== before.userPrincipalName) patch.userPrincipalName = draft.userPrincipalName.trim();
  for (const k of OPTIONAL) {
    const next = draft[k].trim() || null;
    if (next !== (before[k] ?? null)) patch[k] = next;
  }
  return patch;
}
