import { z } from 'zod';

/**
 * Keyset paging by row id, shared by the collections ordered by id (applications, service
 * principals). The `$skiptoken` is the last id in base64url; `@odata.nextLink` is the entire next
 * URL (entra-spec §8.2), so clients follow it and never build one.
 */

/** Querystring of an id-paged collection; `filterHelp` describes the accepted `$filter` forms. */
export function idPagedQuery(filterHelp: string) {
  return z.object({
    $top: z.coerce.number().int().min(1).max(999).optional(),
    $filter: z.string().max(300).optional().describe(filterHelp),
    $skiptoken: z.string().max(200).optional(),
  });
}

/** Response schema of an id-paged collection of `item`. */
export function idPagedResponse<T extends z.ZodType>(item: T) {
  return z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() });
}

/** The `@odata.nextLink` after `lastId`, keeping `$top` and the caller's `$filter`. */
export function nextLinkAfterId(base: string, top: number, filter: string | undefined, lastId: string): string {
  const next = [
    `$top=${top}`,
    ...(filter === undefined ? [] : [`$filter=${encodeURIComponent(filter)}`]),
    `$skiptoken=${Buffer.from(lastId).toString('base64url')}`,
  ];
  return `${base}?${next.join('&')}`;
}
