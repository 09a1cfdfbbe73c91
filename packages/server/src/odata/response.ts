import { encodeSkipToken, type ODataQuery } from './query.ts';

/** A Graph collection response (entra-spec §8.2): `@odata.nextLink` is the entire next URL. */
export interface CollectionResponse<T> {
  '@odata.context': string;
  '@odata.count'?: number;
  value: T[];
  '@odata.nextLink'?: string;
}

/** One keyset page from a repository: `nextAfter` is the last id when more rows match. */
export interface Page<T> {
  items: T[];
  nextAfter: string | null;
  count?: number | undefined;
}

/**
 * Shapes a page as Graph does. `baseUrl` is the collection's absolute URL (no query string);
 * `contextUrl` is `<origin>/api/v1/$metadata#users`. The next link keeps `$top`, `$filter` and
 * `$select`; `@odata.count` appears only on the first page (Graph `paging.md`).
 */
export function collection<T>(page: Page<T>, q: ODataQuery, baseUrl: string, contextUrl: string): CollectionResponse<T> {
  const out: CollectionResponse<T> = {
    '@odata.context': q.select ? `${contextUrl}(${q.select.join(',')})` : contextUrl,
    value: page.items,
  };
  if (page.count !== undefined) out['@odata.count'] = page.count;
  if (page.nextAfter !== null) {
    const params = [`$top=${q.top}`];
    if (q.raw.filter !== undefined) params.push(`$filter=${encodeURIComponent(q.raw.filter)}`);
    if (q.raw.select !== undefined) params.push(`$select=${encodeURIComponent(q.raw.select)}`);
    params.push(`$skiptoken=${encodeSkipToken(page.nextAfter)}`);
    out['@odata.nextLink'] = `${baseUrl}?${params.join('&')}`;
  }
  return out;
}
