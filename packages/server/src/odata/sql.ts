import { sql, type RawBuilder } from 'kysely';
import type { FilterExpr, FilterFields } from './filter.ts';

/**
 * Compiles a parsed `$filter` into a SQL boolean expression for a repository's `where`. Values are
 * always bound parameters; columns come only from the resource's allowlist. String comparisons are
 * case-insensitive (Graph compares directory strings that way) through `lower(column)`, which the
 * directory's expression indexes serve.
 */
export function filterToSql(e: FilterExpr, fields: FilterFields, alias?: string): RawBuilder<boolean> {
  const col = (name: string) => sql.ref(alias ? `${alias}.${fields[name]!.column}` : fields[name]!.column);
  switch (e.kind) {
    case 'and':
    case 'or':
      return sql<boolean>`(${filterToSql(e.left, fields, alias)} ${sql.raw(e.kind)} ${filterToSql(e.right, fields, alias)})`;
    case 'startswith':
      return sql<boolean>`lower(${col(e.field)}) like ${likePrefix(e.value.toLowerCase())} escape '\\'`;
    case 'eq': {
      const spec = fields[e.field]!;
      if (e.value === null) return sql<boolean>`${col(e.field)} is null`;
      if (spec.type === 'string') return sql<boolean>`lower(${col(e.field)}) = lower(${e.value})`;
      if (spec.type === 'guid') return sql<boolean>`${col(e.field)} = ${String(e.value).toLowerCase()}::uuid`;
      return sql<boolean>`${col(e.field)} = ${e.value}`;
    }
  }
}

/** `abc` → `abc%`, with LIKE's wildcards and the escape character escaped. */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}
