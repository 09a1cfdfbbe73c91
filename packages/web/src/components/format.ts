/** Display helpers shared by the pages. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** `2026-11-30T02:01:13Z` → localised date and time; the raw value when unparsable. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

/** `#microsoft.graph.group` → `Group`. */
export function odataTypeName(type: string | undefined): string {
  if (!type) return 'Object';
  const name = type.split('.').pop() ?? type;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A readable name for an audit identity record (user or app). */
export function identityName(identity: Record<string, unknown> | null | undefined): string | null {
  if (!identity) return null;
  for (const k of ['userPrincipalName', 'displayName', 'servicePrincipalName', 'appId', 'id']) {
    const v = identity[k];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}
