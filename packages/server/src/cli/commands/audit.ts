import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../main.ts';
import { printJson, printRows } from '../output.ts';
import { withProgress } from '../progress.ts';
import type { VerifyReport } from '../../audit/verify.ts';
import type { DirectoryAudit } from '../../audit/repository.ts';
import type { AuditListArgs, AuditVerifyArgs } from './audit-ops.ts';

/** Thrown after the report is printed, so `latchkey audit verify` exits 1 on a broken chain. */
export class ChainBrokenError extends Error {
  override name = 'ChainBrokenError';
}

/**
 * `latchkey audit verify [--expect-head seq:hash] [--json]` and
 * `latchkey audit list [--top N] [--filter "<$filter>"] [--skip-token T] [--json]`.
 */
export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('Read and verify the append-only, hash-chained audit trail.');

  audit
    .command('verify')
    .description(
      'Recompute every hash of the audit chain and report the first edited, deleted or reordered entry. Exits 1 when the chain is broken.',
    )
    .option('--expect-head <anchor>', 'a head anchor (seq:hash) printed by an earlier run; reveals deletion of the newest entries')
    .option('--json', 'print the full report as JSON')
    .addHelpText(
      'after',
      '\nRecord the printed head anchor somewhere the database administrators cannot write, and pass it back with --expect-head.',
    )
    .action(async (o: { expectHead?: string; json?: boolean }) => {
      const report = await withProgress('verifying audit chain [{bar}] {value}/{total} entries', o, (onProgress) => {
        const args: AuditVerifyArgs = { ...(o.expectHead ? { expectHead: o.expectHead } : {}), ...(onProgress ? { onProgress } : {}) };
        return ctx.invoke<VerifyReport>('audit.verify', args as Record<string, unknown>);
      });
      if (o.json) printJson(report);
      else process.stdout.write(describeReport(report));
      if (!report.ok) {
        const f = report.firstBroken!;
        throw new ChainBrokenError(`audit chain broken${f.seq === null ? '' : ` at entry ${f.seq}`} (${f.kind})`);
      }
    });

  audit
    .command('list')
    .description('List audit entries, newest first (the same query as GET /api/v1/auditLogs/directoryAudits).')
    .option('--top <n>', 'entries per page (1-999, default 100)', positiveInt)
    .option('--filter <expr>', 'OData $filter, e.g. "category eq \'UserManagement\' and activityDateTime ge 2026-01-01"')
    .option('--skip-token <token>', 'continue from the skip token printed with the previous page')
    .option('--json', 'print Graph-shaped JSON')
    .action(async (o: { top?: number; filter?: string; skipToken?: string; json?: boolean }) => {
      const args: AuditListArgs = {
        ...(o.top ? { top: o.top } : {}),
        ...(o.filter ? { filter: o.filter } : {}),
        ...(o.skipToken ? { skipToken: o.skipToken } : {}),
      };
      const page = await ctx.invoke<{ value: DirectoryAudit[]; nextSkipToken: string | null }>('audit.list', args);
      if (o.json) return printJson(page);
      printRows(
        page.value.map(row),
        ['activityDateTime', 'category', 'activity', 'result', 'initiatedBy', 'targets', 'correlationId'],
        false,
      );
      if (page.nextSkipToken) process.stdout.write(`more: --skip-token ${page.nextSkipToken}\n`);
    });
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new InvalidArgumentError('must be an integer from 1 to 999');
  return n;
}

function row(e: DirectoryAudit): Record<string, unknown> {
  const by = e.initiatedBy.user ?? e.initiatedBy.app ?? {};
  return {
    activityDateTime: e.activityDateTime,
    category: e.category,
    activity: e.activityDisplayName,
    result: e.result,
    initiatedBy: by.userPrincipalName ?? by.displayName ?? '',
    targets: e.targetResources.map((t) => t.userPrincipalName ?? t.displayName ?? t.id).join(', '),
    correlationId: e.correlationId,
  };
}

/** The human-readable verify report. */
export function describeReport(r: VerifyReport): string {
  const lines: string[] = [];
  if (r.ok) lines.push(`audit chain OK: ${r.checked} entries verified.`);
  else {
    lines.push(`audit chain BROKEN: ${r.issueCount} problem(s) in ${r.checked} entries.`);
    lines.push(
      `first broken: ${r.firstBroken!.seq === null ? '' : `entry ${r.firstBroken!.seq} `}[${r.firstBroken!.kind}] ${r.firstBroken!.message}`,
    );
    for (const i of r.issues.slice(1, 20)) lines.push(`  also: ${i.seq === null ? '' : `entry ${i.seq} `}[${i.kind}] ${i.message}`);
    if (r.issueCount > 20) lines.push(`  … and ${r.issueCount - 20} more (use --json).`);
  }
  if (r.anchor)
    lines.push(
      r.anchor.found
        ? `anchor ${r.anchor.expected.slice(0, 24)}… found at entry ${r.anchor.seq}; ${r.anchor.appendedSince} entries appended since.`
        : 'anchor NOT found.',
    );
  if (r.head)
    lines.push(
      `head: ${r.head.anchor}`,
      '  Record this anchor outside the database and pass it to --expect-head next time:',
      `  ${r.note}`,
    );
  else lines.push('the audit log is empty.');
  return lines.join('\n') + '\n';
}
