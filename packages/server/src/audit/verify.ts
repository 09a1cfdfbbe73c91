import { GENESIS_HASH, entryHash } from './chain.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { readChainBatch, type ChainRow } from './repository.ts';

/**
 * Audit-chain verification. The walker is pure: feed it rows in sequence order, then ask for the
 * report. What each check catches:
 *
 * - `edited`   — a row's content (or its stored hash) no longer matches SHA-256(prev_hash ‖ content).
 * - `deleted`  — a gap in `seq`: entries before this one are missing (the first entry must be seq 1).
 * - `relinked` — `prev_hash` is not the previous row's hash although no seq is missing: rows were
 *                reordered, or the previous row was rewritten together with a recomputed hash.
 * - `truncated`— the anchor given with `expectHead` is not in the log.
 *
 * Limit: deleting the newest entries leaves a valid, shorter chain. Only an anchor kept outside the
 * database (the `head` this report prints, recorded by the operator) reveals it — pass it back as
 * `expectHead`. A full rewrite with recomputed hashes is likewise caught only by an anchor.
 */
export type TamperKind = 'edited' | 'deleted' | 'relinked' | 'truncated';

export interface ChainIssue {
  kind: TamperKind;
  /** The entry where the break shows; null for `truncated`. */
  seq: number | null;
  id: string | null;
  message: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
  /** `seq:hash` — record it somewhere the database's admins cannot write, pass it to `--expect-head`. */
  anchor: string;
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  head: ChainHead | null;
  firstBroken: ChainIssue | null;
  /** The first MAX_LISTED issues. */
  issues: ChainIssue[];
  issueCount: number;
  anchor: { expected: string; found: boolean; seq: number | null; appendedSince: number | null } | null;
  note: string;
}

export const MAX_LISTED = 100;
export const TRUNCATION_NOTE =
  'Deleting the newest entries leaves a valid shorter chain: only an anchor kept outside the database reveals it. Record head.anchor and pass it to --expect-head next time.';

/** Parses `seq:hash` or a bare 64-hex hash. Throws on anything else. */
export function parseAnchor(text: string): { seq: number | null; hash: string } {
  const m = /^(?:(\d{1,15}):)?([0-9a-f]{64})$/i.exec(text.trim());
  if (!m) throw new Error('--expect-head must be a 64-hex hash or seq:hash (as printed in head.anchor)');
  return { seq: m[1] === undefined ? null : Number(m[1]), hash: m[2]!.toLowerCase() };
}

/** A stateful, storage-free walker over the chain. */
export function createChainWalker(expectHead?: string) {
  const anchor = expectHead === undefined ? undefined : parseAnchor(expectHead);
  let prev: { seq: number; hash: string } | null = null;
  let checked = 0;
  let anchorSeq: number | null = null;
  const issues: ChainIssue[] = [];
  let issueCount = 0;
  let first: ChainIssue | null = null;
  const report = (issue: ChainIssue) => {
    issueCount++;
    first ??= issue;
    if (issues.length < MAX_LISTED) issues.push(issue);
  };

  return {
    push(row: ChainRow): void {
      const { seq, id } = row.content;
      const expectedSeq = prev ? prev.seq + 1 : 1;
      if (seq !== expectedSeq) {
        const missing = seq - 1 === expectedSeq ? `entry ${expectedSeq} is` : `entries ${expectedSeq}–${seq - 1} are`;
        report({ kind: 'deleted', seq, id, message: `${missing} missing before entry ${seq}: deleted from the log` });
      } else if (row.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
        report({
          kind: 'relinked',
          seq,
          id,
          message:
            seq === 1
              ? 'entry 1 does not start from the genesis hash: the start of the log was replaced'
              : `entry ${seq} does not link to entry ${seq - 1}: entries were reordered, or entry ${seq - 1} was rewritten with a recomputed hash`,
        });
      }
      if (entryHash(row.prevHash, row.content) !== row.hash) {
        report({ kind: 'edited', seq, id, message: `entry ${seq} (${id}) was modified: its content no longer matches its hash` });
      }
      if (anchor && row.hash === anchor.hash && (anchor.seq === null || anchor.seq === seq)) anchorSeq = seq;
      prev = { seq, hash: row.hash };
      checked++;
    },

    /** Rows checked so far. */
    get checked(): number {
      return checked;
    },

    /** The last row seen so far (where the next batch starts). */
    get lastSeq(): number {
      return prev?.seq ?? 0;
    },

    finish(): VerifyReport {
      if (anchor && anchorSeq === null) {
        const where =
          anchor.seq !== null && prev && prev.seq < anchor.seq
            ? `the log ends at entry ${prev.seq}, before the anchored entry ${anchor.seq}: the newest entries were deleted`
            : !prev
              ? 'the log is empty: every entry was deleted'
              : 'the anchored entry is not in the log: entries up to it were deleted or the chain was rewritten';
        report({
          kind: 'truncated',
          seq: null,
          id: null,
          message: `anchored head ${anchor.seq ?? '?'}:${anchor.hash.slice(0, 12)}… not found; ${where}`,
        });
      }
      const head = prev ? { seq: prev.seq, hash: prev.hash, anchor: `${prev.seq}:${prev.hash}` } : null;
      return {
        ok: issueCount === 0,
        checked,
        head,
        firstBroken: first,
        issues,
        issueCount,
        anchor: anchor
          ? {
              expected: expectHead!.trim(),
              found: anchorSeq !== null,
              seq: anchorSeq,
              appendedSince: anchorSeq !== null && prev ? prev.seq - anchorSeq : null,
            }
          : null,
        note: TRUNCATION_NOTE,
      };
    },
  };
}

export interface VerifyOptions {
  /** `seq:hash` or a hash recorded from an earlier run. */
  expectHead?: string | undefined;
  /** Rows read per query (default 2,000). */
  batchSize?: number;
  /** Called after each batch with rows checked so far. */
  onProgress?: (checked: number) => void;
}

/**
 * Walks the whole chain through `readBatch(afterSeq, limit)` (see `readChainBatch`), in sequence
 * order, in bounded memory.
 */
export async function verifyChain(
  readBatch: (afterSeq: number, limit: number) => Promise<ChainRow[]>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const walker = createChainWalker(options.expectHead);
  const size = options.batchSize ?? 2000;
  for (;;) {
    const rows = await readBatch(walker.lastSeq, size);
    for (const row of rows) walker.push(row);
    options.onProgress?.(walker.checked);
    if (rows.length < size) break;
  }
  return walker.finish();
}

/** Verifies the audit log in `db` (batches through the repository). */
export async function verifyAuditLog(db: Kysely<DB>, options: VerifyOptions = {}): Promise<VerifyReport> {
  return verifyChain((afterSeq, limit) => readChainBatch(db, afterSeq, limit), options);
}
