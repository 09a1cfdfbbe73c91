import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { EnvelopeError, type Envelope } from './envelope.ts';
import { SEALED_COLUMNS } from './sealed-columns.ts';
import { countByKeyId, replaceSealed, sealedWith } from './rewrap-repository.ts';

/**
 * Master key rotation, the data side (ADR 0020): every sealed secret's data key is rewrapped under
 * the current master key, batch by batch, so that the previous keys can be dropped from the
 * configuration. Each secret is decrypted only inside `envelope.rewrap`, to check that its body
 * still authenticates before the new envelope is written; the plaintext is dropped there at once.
 */
export interface SealedSecretsStatus {
  currentKeyId: string;
  previousKeyIds: string[];
  columns: Array<{ table: string; label: string; byKeyId: Record<string, number> }>;
  underCurrent: number;
  underPrevious: number;
  /** Sealed with a master key this node does not have at all: they cannot be opened until it is configured again. */
  underUnknown: number;
  /** The ids of those master keys. */
  unknownKeyIds: string[];
}

export async function sealedSecretsStatus(db: Kysely<DB>, envelope: Envelope): Promise<SealedSecretsStatus> {
  const previous = new Set(envelope.previousKeyIds);
  const status: SealedSecretsStatus = {
    currentKeyId: envelope.keyId,
    previousKeyIds: [...envelope.previousKeyIds],
    columns: [],
    underCurrent: 0,
    underPrevious: 0,
    underUnknown: 0,
    unknownKeyIds: [],
  };
  for (const c of SEALED_COLUMNS) {
    const byKeyId = await countByKeyId(db, c);
    status.columns.push({ table: c.table, label: c.label, byKeyId });
    for (const [id, n] of Object.entries(byKeyId)) {
      if (id === envelope.keyId) status.underCurrent += n;
      else if (previous.has(id)) status.underPrevious += n;
      else {
        status.underUnknown += n;
        if (!status.unknownKeyIds.includes(id)) status.unknownKeyIds.push(id);
      }
    }
  }
  return status;
}

export interface RewrapResult {
  rewrapped: number;
  /** Secrets this run rewrapped but another run (or a writer) had changed first: not counted in `rewrapped`. */
  takenMeanwhile: number;
  /** Secrets under a previous key that did not open (tampered, or sealed under another purpose): left as they are. */
  failed: Array<{ table: string; id: string; reason: string }>;
  /** Still under a previous key at the end (the failed ones included). */
  remaining: number;
}

/** Rows read per page while looking for secrets to rewrap. */
const PAGE = 200;

/**
 * Rewraps up to `limit` secrets sealed with a previous master key, one transaction and one audit
 * entry per page that changed. Safe to run from several places at once: each row changes once
 * (compare-and-set), and each run counts only its own changes.
 */
async function rewrapBatch(db: Kysely<DB>, envelope: Envelope, ctx: RequestContext, limit: number): Promise<Omit<RewrapResult, 'remaining'>> {
  const result: Omit<RewrapResult, 'remaining'> = { rewrapped: 0, takenMeanwhile: 0, failed: [] };
  if (envelope.previousKeyIds.length) {
    for (const c of SEALED_COLUMNS) {
      let after: string | null = null;
      while (result.rewrapped < limit) {
        const rows = await sealedWith(db, c, envelope.previousKeyIds, after, PAGE);
        if (!rows.length) break;
        after = rows.at(-1)!.id;
        const changes: Array<{ id: string; old: string; next: string }> = [];
        for (const r of rows) {
          if (result.rewrapped + changes.length >= limit) break;
          try {
            changes.push({ id: r.id, old: r.sealed, next: envelope.rewrap(r.sealed, c.purpose(r.id)) });
          } catch (err) {
            if (!(err instanceof EnvelopeError)) throw err;
            result.failed.push({ table: c.table, id: r.id, reason: err.message });
          }
        }
        if (!changes.length) {
          if (rows.length < PAGE) break;
          continue;
        }
        const changed = await db.transaction().execute(async (trx) => {
          const ids = await replaceSealed(trx, c, changes);
          if (ids.length)
            await recordAudit(trx, ctx, {
              category: 'KeyManagement',
              activity: 'Rewrap secrets under the current master key',
              operationType: 'Update',
              targets: [{ id: c.table, type: 'Other', displayName: c.label }],
              details: { masterKeyId: envelope.keyId, rewrapped: String(ids.length) },
            });
          return ids.length;
        });
        result.rewrapped += changed;
        result.takenMeanwhile += changes.length - changed;
        if (rows.length < PAGE) break;
      }
    }
  }
  return result;
}

/**
 * Rewraps every secret under a previous master key, `batch` at a time (one transaction and one
 * audit entry per page), reporting progress after each. Stops when none remain, or when a batch
 * changes nothing (only secrets that do not open are left).
 */
export async function rewrapAllSecrets(
  db: Kysely<DB>,
  envelope: Envelope,
  ctx: RequestContext,
  o: { batch: number; onProgress?: (done: number, total: number) => void },
): Promise<RewrapResult> {
  const total = (await sealedSecretsStatus(db, envelope)).underPrevious;
  const failed = new Map<string, RewrapResult['failed'][number]>();
  let rewrapped = 0;
  let takenMeanwhile = 0;
  o.onProgress?.(0, total);
  while (total > 0) {
    const r = await rewrapBatch(db, envelope, ctx, o.batch);
    for (const f of r.failed) failed.set(`${f.table}/${f.id}`, f);
    rewrapped += r.rewrapped;
    takenMeanwhile += r.takenMeanwhile;
    o.onProgress?.(Math.min(rewrapped + takenMeanwhile, total), total);
    // Nothing left that opens: only the failed ones remain (a batch lost to a concurrent run goes round again).
    if (r.rewrapped + r.takenMeanwhile === 0) break;
  }
  const remaining = total > 0 ? (await sealedSecretsStatus(db, envelope)).underPrevious : 0;
  return { rewrapped, takenMeanwhile, failed: [...failed.values()], remaining };
}
