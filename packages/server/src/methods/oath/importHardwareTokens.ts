import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { ApiError } from '../../errors.ts';
import { analyzeTokens, countUserTokens, existingSerials, insertTokens, userIdsByUpn, type NewOathToken } from './repository.ts';
import { sealSeed } from './seed.ts';
import { parseEntraCsv, type ImportIssue, type ParsedFile, type ParsedToken } from './import/csv.ts';
import { parsePskc } from './import/pskc.ts';
import { MAX_OATH_METHODS_PER_USER, type Deps } from './devices.ts';

/** Imports at least this large refresh the table's planner statistics afterwards. */
const ANALYZE_AFTER_ROWS = 1_000;

export type ImportFormat = 'csv' | 'pskc';

export interface ImportProgress {
  phase: 'validate' | 'import';
  done: number;
  total: number;
}

export interface ImportOptions {
  format?: ImportFormat;
  /** PSKC pre-shared key (16 bytes) for encrypted containers. */
  preSharedKey?: Uint8Array | undefined;
  /** Import the good rows of a file that has bad ones (default false: all or nothing). */
  partial?: boolean;
  /** Rows per INSERT (default 1,000); all batches run in one transaction. */
  batchSize?: number;
  onProgress?: ((p: ImportProgress) => void) | undefined;
}

export interface ImportResult {
  format: ImportFormat;
  /** False when the file had problems and nothing was imported (without `partial`). */
  ok: boolean;
  rows: number;
  imported: number;
  assigned: number;
  issues: ImportIssue[];
}

/** Largest accepted file (a 100k-token CSV is about 8 MB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** Guesses the format from the content: XML starts with `<`. */
export function detectFormat(text: string): ImportFormat {
  return /^\uFEFF?\s*</.test(text) ? 'pskc' : 'csv';
}

/**
 * Bulk import of hardware tokens (issue 5 item 3): Entra CSV or PSKC. The whole file is checked
 * first — syntax and fields per row, duplicate serials within the file and against the
 * inventory (reported, never overwritten), unknown upns, the 5-methods cap per user — and every
 * problem is reported with its line. A file with problems imports nothing unless `partial`.
 * Rows are inserted in batches inside one transaction with one audit entry, so an import is
 * all-or-nothing even when a concurrent import races for a serial (the unique index refuses it).
 */
export async function importHardwareTokens(deps: Deps, ctx: RequestContext, text: string, o: ImportOptions = {}): Promise<ImportResult> {
  if (text.length > MAX_IMPORT_BYTES) throw new ApiError('Request_EntityTooLarge', 'The token file is too large.');
  const format = o.format ?? detectFormat(text);
  const parsed: ParsedFile = format === 'csv' ? parseEntraCsv(text) : parsePskc(text, o.preSharedKey);
  const rows = parsed.tokens.length + parsed.issues.filter((i) => i.line > 0).length;
  o.onProgress?.({ phase: 'validate', done: 0, total: parsed.tokens.length });
  const issues = [...parsed.issues];
  const good = await checkAgainstInventory(deps, parsed.tokens, issues);
  o.onProgress?.({ phase: 'validate', done: parsed.tokens.length, total: parsed.tokens.length });
  issues.sort((a, b) => a.line - b.line);
  if (issues.length > 0 && !o.partial) return { format, ok: false, rows, imported: 0, assigned: 0, issues };

  const batch = Math.max(1, Math.min(o.batchSize ?? 1_000, 2_000));
  let assigned = 0;
  try {
    await deps.db.transaction().execute(async (trx) => {
      for (let i = 0; i < good.length; i += batch) {
        const chunk: NewOathToken[] = good.slice(i, i + batch).map(({ t, userId }) => {
          const id = crypto.randomUUID();
          if (userId) assigned++;
          return {
            id,
            kind: 'hardware',
            serialNumber: t.serialNumber,
            manufacturer: t.manufacturer,
            model: t.model,
            displayName: null,
            secretSealed: sealSeed(deps.envelope, id, t.secret),
            hashFunction: t.hashFunction,
            digits: t.digits,
            timeInterval: t.timeInterval,
            status: userId ? 'assigned' : 'available',
            userId,
          };
        });
        await insertTokens(trx, chunk);
        o.onProgress?.({ phase: 'import', done: Math.min(i + batch, good.length), total: good.length });
      }
      await recordAudit(trx, ctx, {
        category: 'UserManagement',
        activity: 'Import hardware OATH tokens',
        operationType: 'Add',
        targets: [{ id: 'hardwareOathDevices', type: 'Device' }],
        details: { format, imported: String(good.length), assigned: String(assigned), skippedRows: String(issues.length) },
      });
    });
  } catch (e) {
    if ((e as { code?: string }).code === '23505')
      throw new ApiError(
        'Request_Conflict',
        'Another import added some of these serial numbers meanwhile; nothing was imported. Run the import again to see which.',
        { cause: e, details: { reason: 'OathDuplicateSerial' } },
      );
    throw e;
  }
  // A large import changes the table's shape at once (thousands of rows, most unassigned); fresh
  // statistics keep the sign-in lookups' plans right until autovacuum would have caught up.
  if (good.length >= ANALYZE_AFTER_ROWS) await analyzeTokens(deps.db);
  return { format, ok: true, rows, imported: good.length, assigned, issues };
}

/** Duplicate serials (file and inventory), unknown upns and the per-user cap; appends issues, returns the rows that pass. */
async function checkAgainstInventory(
  deps: Deps,
  tokens: ParsedToken[],
  issues: ImportIssue[],
): Promise<Array<{ t: ParsedToken; userId: string | null }>> {
  const firstLine = new Map<string, number>();
  const unique: ParsedToken[] = [];
  for (const t of tokens) {
    const seen = firstLine.get(t.serialNumber);
    if (seen !== undefined)
      issues.push({
        line: t.line,
        field: 'serial number',
        serialNumber: t.serialNumber,
        reason: `duplicate serial number (also on line ${seen})`,
      });
    else {
      firstLine.set(t.serialNumber, t.line);
      unique.push(t);
    }
  }
  const existing = await existingSerials(
    deps.db,
    unique.map((t) => t.serialNumber),
  );
  const upns = await userIdsByUpn(
    deps.db,
    unique.flatMap((t) => (t.upn ? [t.upn] : [])),
  );
  const counts = await countUserTokens(deps.db, [...new Set(upns.values())]);
  const out: Array<{ t: ParsedToken; userId: string | null }> = [];
  for (const t of unique) {
    if (existing.has(t.serialNumber)) {
      issues.push({
        line: t.line,
        field: 'serial number',
        serialNumber: t.serialNumber,
        reason: 'serial number already in the inventory (not overwritten)',
      });
      continue;
    }
    let userId: string | null = null;
    if (t.upn) {
      userId = upns.get(t.upn.toLowerCase()) ?? null;
      if (!userId) {
        issues.push({ line: t.line, field: 'upn', serialNumber: t.serialNumber, reason: `no user ${t.upn}` });
        continue;
      }
      const n = counts.get(userId) ?? 0;
      if (n >= MAX_OATH_METHODS_PER_USER) {
        issues.push({
          line: t.line,
          field: 'upn',
          serialNumber: t.serialNumber,
          reason: `${t.upn} would hold more than ${MAX_OATH_METHODS_PER_USER} OATH methods`,
        });
        continue;
      }
      counts.set(userId, n + 1);
    }
    out.push({ t, userId });
  }
  return out;
}
