import { z } from 'zod';
import { defineOp } from '../ops.ts';
import { ApiError } from '../../errors.ts';
import { parseAuditFilter } from '../../audit/filter.ts';
import { countAuditEntries, listDirectoryAudits, type DirectoryAudit } from '../../audit/repository.ts';
import { parseAnchor, verifyAuditLog, type VerifyReport } from '../../audit/verify.ts';
import { DEFAULT_TOP, MAX_TOP, decodeSkipToken, encodeSkipToken } from '../../audit/paging.ts';

const VerifyArgs = z.object({
  expectHead: z.string().max(200).optional(),
  batchSize: z.number().int().min(1).max(100_000).optional(),
});

export interface AuditVerifyArgs extends z.infer<typeof VerifyArgs> {
  /**
   * In-process only (a function does not cross the control socket): called with rows checked so
   * far and the total, for the CLI's progress bar.
   */
  onProgress?: (checked: number, total: number) => void;
}

const bad = (message: string) => new ApiError('Request_BadRequest', message);

/**
 * `audit.verify` — walks the whole chain and reports the first broken entry (see `audit/verify.ts`
 * for what each kind of break means). Read-only; safe beside a live server.
 */
export const auditVerifyOp = defineOp<AuditVerifyArgs, VerifyReport>({
  name: 'audit.verify',
  async run(rt, rawArgs) {
    const parsed = VerifyArgs.safeParse({ expectHead: rawArgs?.expectHead, batchSize: rawArgs?.batchSize });
    if (!parsed.success) throw bad(`Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    const { expectHead, batchSize } = parsed.data;
    if (expectHead !== undefined) {
      try {
        parseAnchor(expectHead);
      } catch (err) {
        throw bad((err as Error).message);
      }
    }
    const onProgress = typeof rawArgs?.onProgress === 'function' ? rawArgs.onProgress : undefined;
    const total = onProgress ? await countAuditEntries(rt.store.db) : 0;
    return verifyAuditLog(rt.store.db, {
      expectHead,
      ...(batchSize ? { batchSize } : {}),
      ...(onProgress ? { onProgress: (checked: number) => onProgress(checked, Math.max(total, checked)) } : {}),
    });
  },
});

const ListArgs = z.object({
  top: z.number().int().min(1).max(MAX_TOP).optional(),
  filter: z.string().max(2000).optional(),
  skipToken: z.string().max(100).optional(),
});

export type AuditListArgs = z.infer<typeof ListArgs>;

/** `audit.list` — the same query as `GET /auditLogs/directoryAudits`: newest first, filtered, paged. */
export const auditListOp = defineOp<AuditListArgs, { value: DirectoryAudit[]; nextSkipToken: string | null }>({
  name: 'audit.list',
  async run(rt, rawArgs) {
    const parsed = ListArgs.safeParse(rawArgs ?? {});
    if (!parsed.success) throw bad(`Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    const { top = DEFAULT_TOP, filter, skipToken } = parsed.data;
    const page = await listDirectoryAudits(rt.store.db, {
      conditions: filter === undefined ? [] : parseAuditFilter(filter),
      top,
      beforeSeq: skipToken === undefined ? undefined : decodeSkipToken(skipToken),
    });
    return { value: page.items, nextSkipToken: page.nextBeforeSeq === null ? null : encodeSkipToken(page.nextBeforeSeq) };
  },
});
