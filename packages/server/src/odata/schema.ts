import { z } from 'zod';
import { DEFAULT_TOP, MAX_TOP } from './query.ts';

/**
 * The OData query options as a zod querystring schema, so `/openapi.json` documents them. Values
 * stay strings here: `parseODataQuery` checks them and answers with precise 400 messages.
 */
export const odataQuerySchema = z.object({
  $top: z.string().max(12).optional().describe(`Page size, 1–${MAX_TOP} (default ${DEFAULT_TOP}).`),
  $skiptoken: z.string().max(200).optional().describe('Opaque; taken from @odata.nextLink.'),
  $select: z.string().max(1000).optional().describe('Comma-separated property names.'),
  $count: z
    .string()
    .max(8)
    .optional()
    .describe('true adds @odata.count (first page only). The ConsistencyLevel: eventual header is accepted but not required.'),
  $filter: z
    .string()
    .max(4000)
    .optional()
    .describe("eq and startswith(property,'prefix') on the resource's filterable properties, joined with and/or, with parentheses."),
  $orderby: z.string().max(1000).optional().describe('Not supported (400).'),
  $search: z.string().max(1000).optional().describe('Not supported (400).'),
  $expand: z.string().max(1000).optional().describe('Not supported (400).'),
  $skip: z.string().max(20).optional().describe('Not supported (400): follow @odata.nextLink.'),
});

/** `$select` on a single entity. */
export const selectQuerySchema = z.object({ $select: odataQuerySchema.shape.$select });

/** The collection envelope around an item schema. */
export function collectionSchema<T extends z.ZodType>(item: T) {
  return z.object({
    '@odata.context': z.string(),
    '@odata.count': z.int().optional(),
    value: z.array(item),
    '@odata.nextLink': z.string().optional(),
  });
}
