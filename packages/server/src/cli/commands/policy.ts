import { CommanderError, type Command } from 'commander';
import { withProgress } from '../progress.ts';
import type { CliContext } from '../main.ts';
import { printJson, printRows } from '../output.ts';
import type { AnalysisReport } from '../../policy/analysis/run.ts';
import type { ConditionalAccessPolicy } from '../../policy/conditional-access/types.ts';
import type { PolicyAnalyzeArgs } from './policy-ops.ts';

/**
 * `latchkey policy list | analyze`: Conditional Access from the command line. `analyze` is the
 * same lockout analysis as POST /api/v1/identity/conditionalAccess/analyze, with a progress bar.
 */
export function registerPolicyCommands(program: Command, ctx: CliContext): void {
  const cmd = program.command('policy').description('Conditional Access policies and the lockout analysis.');

  cmd
    .command('list')
    .description('List Conditional Access policies (state, targets, controls).')
    .option('--json', 'print Graph-shaped JSON')
    .action(async (o: { json?: boolean }) => {
      const policies = await ctx.invoke<ConditionalAccessPolicy[]>('policy.list', {});
      if (o.json) return printJson(policies);
      printRows(
        policies.map((p) => ({
          id: p.id,
          name: p.displayName,
          state: p.state,
          grant: [
            ...(p.grantControls?.builtInControls ?? []),
            ...(p.grantControls?.authenticationStrength
              ? [
                  `strength:${String((p.grantControls.authenticationStrength as { displayName?: string }).displayName ?? p.grantControls.authenticationStrength.id)}`,
                ]
              : []),
          ].join(` ${p.grantControls?.operator ?? ''} `),
        })),
        ['id', 'name', 'state', 'grant'],
        false,
      );
    });

  cmd
    .command('analyze')
    .description('For every user × every application and the registration action: can they get in? Prints who cannot, and why.')
    .option('--json', 'print the full report as JSON')
    .addHelpText(
      'after',
      '\nExit code 2 when at least one user is locked out. Report-only policies are listed separately ("would lock out").',
    )
    .action(async (o: { json?: boolean }) => {
      const report = await withProgress('analysing [{bar}] {value}/{total} users', o, (onProgress) => {
        const args: PolicyAnalyzeArgs = onProgress ? { onProgress } : {};
        return ctx.invoke<AnalysisReport>('policy.analyze', args as Record<string, unknown>);
      });
      if (o.json) printJson(report);
      else process.stdout.write(describe(report));
      // Exit code 2 (a report, not an error): scripts can gate a policy rollout on it.
      if (report.lockedOutUsers.length) throw new CommanderError(2, 'latchkey.policy.lockedOut', '');
    });
}

/** The report in plain words: one block per locked-out user, each unreachable target with its chain of reasons. */
export function describe(r: AnalysisReport): string {
  const lines = [`${r.userCount} users × ${r.targetCount} targets (${r.evaluatedSignatures} distinct signatures) in ${r.durationMs} ms.`];
  const block = (title: string, users: AnalysisReport['lockedOutUsers']) => {
    if (!users.length) return;
    lines.push('', title);
    for (const u of users) {
      lines.push(`  ${u.userPrincipalName}${u.isGlobalAdministrator ? ' (Global Administrator)' : ''}`);
      for (const v of u.unreachable.slice(0, 5)) lines.push(`    ✗ ${v.target.displayName}: ${v.reasons.join('; ')}`);
      if (u.unreachable.length > 5) lines.push(`    … and ${u.unreachable.length - 5} more`);
    }
  };
  if (!r.lockedOutUsers.length) lines.push('Nobody is locked out.');
  block(`Locked out (${r.lockedOutUsers.length}):`, r.lockedOutUsers);
  block(`Report-only policies would lock out (${r.reportOnlyWouldLockOut.length}):`, r.reportOnlyWouldLockOut);
  return `${lines.join('\n')}\n`;
}
