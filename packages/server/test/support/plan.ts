import { CompiledQuery, type Kysely } from 'kysely';

/** PostgreSQL's plan (`explain`) of a compiled query with its parameters bound, one line per node. */
export async function planOf(db: Kysely<any>, q: CompiledQuery): Promise<string> {
  const rows = (await db.executeQuery(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]))).rows as Array<Record<string, string>>;
  return rows.map((r) => Object.values(r)[0]).join('\n');
}
