import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';

/**
 * preValidation guard: PostgreSQL `text` and `jsonb` cannot hold U+0000, so a NUL in a path
 * parameter, query parameter or JSON string would surface as a database error (a 500) deep in a
 * repository. No Latchkey field has a use for it: refuse it here, for every route, with a 400.
 */
export async function rejectNulCharacters(request: FastifyRequest): Promise<void> {
  const where = findNul(request.params, 'path') ?? findNul(request.query, 'query') ?? findNul(request.body, 'body');
  if (where) throw new ApiError('Request_BadRequest', `Invalid ${where}: NUL characters are not allowed.`);
}

function findNul(value: unknown, where: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') ? where : null;
  if (!value || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\0')) return where;
    const found = findNul(v, where, depth + 1);
    if (found) return found;
  }
  return null;
}
