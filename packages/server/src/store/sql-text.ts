import { PostgresQueryCompiler, type RawBuilder } from 'kysely';

/**
 * The SQL text of a parameterless fragment (a shared `sql` snippet such as `groupsAbove`), for
 * statements written as text (store/batched-statement.ts). Every store speaks PostgreSQL's
 * dialect. A fragment with parameters is refused: text has nowhere to put them.
 */
export function sqlText(fragment: RawBuilder<unknown>): string {
  const compiled = new PostgresQueryCompiler().compileQuery(fragment.toOperationNode(), { queryId: 'sql-text' });
  if (compiled.parameters.length) throw new Error(`sqlText: the fragment has ${compiled.parameters.length} parameter(s): ${compiled.sql}`);
  return compiled.sql;
}
