import { createHash } from 'node:crypto';
import { ALL_SCOPES } from '../auth/permissions.ts';

/**
 * The admin API's application permissions, as Graph `appRole`s of the "Latchkey API" resource:
 * one per Graph permission name Latchkey checks (`User.ReadWrite.All`, …). Their ids are
 * derived from the name (stable, name-based UUID), so an appRoleAssignment can name either.
 */
export const LATCHKEY_API_RESOURCE = { id: '00000003-0000-0000-c000-00000000cafe', displayName: 'Latchkey API' } as const;

export interface AppRole {
  id: string;
  value: string;
}

export function appRoleId(value: string): string {
  const h = createHash('sha1').update(`latchkey-app-role:${value}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function appRoles(): AppRole[] {
  return ALL_SCOPES.map((value) => ({ id: appRoleId(value), value }));
}

/** The permission named by value or by id; undefined when Latchkey has no such permission. */
export function findAppRole(by: { value?: string; id?: string }): AppRole | undefined {
  return appRoles().find((r) => (by.value !== undefined && r.value === by.value) || (by.id !== undefined && r.id === by.id.toLowerCase()));
}
