import { ApiError } from '../errors.ts';
import { parseFilter, GUID, type FilterExpr, type FilterFields } from './filter.ts';

/**
 * The OData system query options the directory collections accept (Graph `concepts/paging.md`,
 * `query-parameters.md`): `$top` (default 100, at most 999), `$skiptoken` (opaque, keyset),
 * `$select`, `$count`, `$filter`. `$orderby`, `$search`, `$expand` and `$skip` are refused with
 * 400 Request_UnsupportedQuery rather than silently ignored.
 */
export interface ODataQuery {
  top: number;
  /** Keyset position: return only rows whose id sorts after this one. */
  after: string | undefined;
  select: string[] | undefined;
  count: boolean;
  filter: FilterExpr | undefined;
  /** The raw texts, for the next link. */
  raw: { filter?: string; select?: string };
}

/** What a resource allows. */
export interface ODataResource {
  /** Graph entity set name used in messages and `@odata.context`, e.g. `users`. */
  name: string;
  /** Properties `$select` may name. */
  selectable: readonly string[];
  filterable: FilterFields;
}

/** The raw query string fields (as the routes' zod schema delivers them). */
export interface RawODataQuery {
  $top?: string | undefined;
  $skiptoken?: string | undefined;
  $select?: string | undefined;
  $count?: string | undefined;
  $filter?: string | undefined;
  $orderby?: string | undefined;
  $search?: string | undefined;
  $expand?: string | undefined;
  $skip?: string | undefined;
}

export const DEFAULT_TOP = 100;
export const MAX_TOP = 999;

const bad = (message: string) => new ApiError('Request_BadRequest', message);

/** Parses and validates the options against `resource`; throws ApiError 400 on any fault. */
export function parseODataQuery(raw: RawODataQuery, resource: ODataResource): ODataQuery {
  for (const opt of ['$orderby', '$search', '$expand', '$skip'] as const) {
    if (raw[opt] !== undefined)
      throw new ApiError('Request_UnsupportedQuery', `The query option ${opt} is not supported on ${resource.name}.`);
  }
  const query: ODataQuery = { top: parseTop(raw.$top), after: undefined, select: undefined, count: false, filter: undefined, raw: {} };
  if (raw.$skiptoken !== undefined) query.after = decodeSkipToken(raw.$skiptoken);
  if (raw.$count !== undefined) {
    if (!/^(true|false)$/i.test(raw.$count)) throw bad(`Invalid $count '${raw.$count.slice(0, 20)}': use true or false.`);
    query.count = raw.$count.toLowerCase() === 'true';
  }
  if (raw.$select !== undefined) {
    query.select = parseSelect(raw.$select, resource);
    query.raw.select = query.select.join(',');
  }
  if (raw.$filter !== undefined) {
    query.filter = parseFilter(raw.$filter, resource.filterable, resource.name);
    query.raw.filter = raw.$filter;
  }
  return query;
}

export function parseTop(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOP;
  if (!/^\d{1,6}$/.test(text)) throw bad(`Invalid $top '${text.slice(0, 20)}': use a whole number from 1 to ${MAX_TOP}.`);
  const n = Number(text);
  if (n < 1 || n > MAX_TOP) throw bad(`Invalid $top ${n}: use a whole number from 1 to ${MAX_TOP}.`);
  return n;
}

/** `$select=id,displayName`: known properties only (case-insensitive), canonical names, `id` always kept. */
export function parseSelect(text: string, resource: ODataResource): string[] {
  const byLower = new Map(resource.selectable.map((k) => [k.toLowerCase(), k]));
  const names = text.split(',').map((s) => s.trim());
  if (names.length > resource.selectable.length * 2 || names.some((n) => !n)) throw bad(`Invalid $select '${text.slice(0, 100)}'.`);
  const out = new Set<string>(['id']);
  for (const n of names) {
    const name = byLower.get(n.toLowerCase());
    if (!name) throw bad(`Invalid $select: could not find a property named '${n.slice(0, 60)}' on ${resource.name}.`);
    out.add(name);
  }
  return [...out];
}

/** Keyset position as an opaque token (`k.<id>` in base64url). Clients follow nextLink, never build one. */
export function encodeSkipToken(afterId: string): string {
  return Buffer.from(`k.${afterId}`).toString('base64url');
}

export function decodeSkipToken(token: string): string {
  const m = /^k\.(.+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m || !GUID.test(m[1]!)) throw bad('Invalid $skiptoken: use the @odata.nextLink as given.');
  return m[1]!.toLowerCase();
}

/**
 * Keeps only the selected properties of an item (all when no `$select`); `id` and `@odata.type`
 * always stay. Typed as T for the response schemas, which mark the other properties optional.
 */
export function project<T extends object>(item: T, select: readonly string[] | undefined): T {
  if (!select) return item;
  const src = item as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if ('@odata.type' in src) out['@odata.type'] = src['@odata.type'];
  for (const k of select) if (k in src) out[k] = src[k];
  return out as T;
}
