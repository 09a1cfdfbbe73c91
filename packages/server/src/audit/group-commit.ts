import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit, recordAuditMany, type AuditEvent } from './record.ts';

/** Entries written in one transaction at most. */
const MAX_BATCH = 256;

interface Pending {
  ctx: RequestContext;
  event: AuditEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for audit entries that stand alone (no other change in the same transaction), on
 * hot paths such as the sign-in log. The chain serialises writers on one lock, so one transaction
 * per entry caps every node at one lock holder's round trips; here the entries that arrive while
 * a write is in flight go together in the next transaction (one lock, one head read, one insert).
 * `append` resolves only after its entry is committed, so callers keep "logged before answered".
 */
export function createAuditGroupCommit(db: Kysely<DB>) {
  let queue: Pending[] = [];
  let writing = false;
  const flush = async () => {
    writing = true;
    while (queue.length) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      try {
        await recordAuditMany(db, batch);
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    writing = false;
  };
  return {
    append(ctx: RequestContext, event: AuditEvent): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ ctx, event, resolve, reject });
        if (!writing) void flush();
      });
    },
  };
}

const perDatabase = new WeakMap<Kysely<DB>, ReturnType<typeof createAuditGroupCommit>>();

/** Appends a stand-alone audit entry through the database's group commit (created on first use). */
export function recordAuditGrouped(db: Kysely<DB>, ctx: RequestContext, event: AuditEvent): Promise<void> {
  if (db.isTransaction) return recordAudit(db, ctx, event); // inside a caller's transaction: part of it, as always
  let g = perDatabase.get(db);
  if (!g) perDatabase.set(db, (g = createAuditGroupCommit(db)));
  return g.append(ctx, event);
}
