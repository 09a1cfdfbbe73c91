/** Small OData helpers for the query strings the console sends (OData 4.01 URL conventions). */

/** A string literal for `$filter`: single quotes are doubled (OData ABNF `SQUOTE-in-string`). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `startswith(field,'x') or startswith(other,'x')` over several fields. */
export function startsWithAny(fields: string[], prefix: string): string {
  return fields.map((f) => `startswith(${f},${literal(prefix)})`).join(' or ');
}

/** Conditions joined with `and`, skipping empty ones; undefined when nothing is left. */
export function allOf(conditions: Array<string | undefined | false>): string | undefined {
  const parts = conditions.filter((c): c is string => typeof c === 'string' && c.length > 0);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : parts.map((p) => (p.includes(' or ') ? `(${p})` : p)).join(' and ');
}

/** A query string from `$top`, `$filter`… (undefined values dropped); '' when empty. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    parts.push(`${k}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
