import type { Command } from 'commander';
import type { CliContext } from '../../cli/main.ts';
import { printJson, printRows } from '../../cli/output.ts';
import { canonicalMethodId, METHOD_IDS, ODATA_TYPE, type AuthenticationMethodsPolicy, type MethodConfiguration } from './types.ts';
import type { UserMethodsExplanation } from './explain.ts';

/**
 * `latchkey auth-methods show [method] | enable <method> | disable <method> | set <method> --body <json> | explain <user>`.
 * The same domain code as `/api/v1/policies/authenticationMethodsPolicy` (validation and audit included).
 */
export function registerAuthMethodsCommands(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('auth-methods')
    .description('Show and change the authentication methods policy (which methods are on, for whom).')
    .addHelpText('after', `\nMethods: ${METHOD_IDS.join(', ')}. Targets are group ids, user ids, or all_users; exclude wins over include.`);

  cmd
    .command('show [method]')
    .description('Show every method (state and targets), or one configuration in full.')
    .option('--json', 'print Graph-shaped JSON')
    .action(async (method: string | undefined, o: { json?: boolean }) => {
      const r = await ctx.invoke<AuthenticationMethodsPolicy | MethodConfiguration>('authMethods.get', method ? { method } : {});
      if (o.json || method) return printJson(r);
      const rows = (r as AuthenticationMethodsPolicy).authenticationMethodConfigurations.map((c) => ({
        method: c.id,
        state: c.state,
        include: c.includeTargets.map((t) => t.id).join(', '),
        exclude: c.excludeTargets.map((t) => t.id).join(', '),
      }));
      printRows(rows, ['method', 'state', 'include', 'exclude'], false);
    });

  for (const state of ['enabled', 'disabled'] as const) {
    cmd
      .command(`${state === 'enabled' ? 'enable' : 'disable'} <method>`)
      .description(state === 'enabled' ? 'Turn a method on (optionally replacing its targets).' : 'Turn a method off for everyone.')
      .option('--include <ids...>', 'replace include targets: group ids, user ids (prefix user:), or all_users')
      .option('--exclude <ids...>', 'replace exclude targets: group ids, user ids (prefix user:)')
      .option('--confirm-lockout', 'apply even if the lockout analysis says the change locks people out')
      .action(async (method: string, o: { include?: string[]; exclude?: string[]; confirmLockout?: boolean }) => {
        const body: Record<string, unknown> = { '@odata.type': odataType(method), state };
        if (o.include) body.includeTargets = o.include.map(target);
        if (o.exclude) body.excludeTargets = o.exclude.map(target);
        const r = await ctx.invoke<{ changed: boolean }>('authMethods.update', { method, body, confirmLockout: o.confirmLockout === true });
        process.stdout.write(r.changed ? `${method}: ${state}\n` : `${method}: unchanged\n`);
      });
  }

  cmd
    .command('set <method>')
    .description('Apply a Graph PATCH body to one configuration; @odata.type is filled in when missing.')
    .requiredOption('--body <json>', 'e.g. \'{"isAttestationEnforced":false}\'')
    .option('--confirm-lockout', 'apply even if the lockout analysis says the change locks people out')
    .action(async (method: string, o: { body: string; confirmLockout?: boolean }) => {
      const body = { '@odata.type': odataType(method), ...(JSON.parse(o.body) as Record<string, unknown>) };
      const r = await ctx.invoke<{ changed: boolean; configuration: MethodConfiguration }>('authMethods.update', { method, body, confirmLockout: o.confirmLockout === true });
      printJson(r.configuration);
    });

  cmd
    .command('explain <user>')
    .description('Which methods the policy lets a user (id or userPrincipalName) use and register, and why.')
    .option('--json', 'print JSON')
    .action(async (user: string, o: { json?: boolean }) => {
      const r = await ctx.invoke<UserMethodsExplanation>('authMethods.explain', { user });
      if (o.json) return printJson(r);
      process.stdout.write(
        `${r.userPrincipalName}: usable ${r.usableMethods.join(', ') || '(none)'}; may register ${r.selfRegistrableMethods.join(', ') || '(none)'}\n`,
      );
      for (const m of r.methods) process.stdout.write(`  ${m.enabled ? '✓' : '✗'} ${m.explanation}\n`);
    });
}

function odataType(method: string): string {
  const id = canonicalMethodId(method);
  if (!id) throw new Error(`Unknown method '${method}'. Methods: ${METHOD_IDS.join(', ')}.`);
  return ODATA_TYPE[id];
}

function target(spec: string): { targetType: 'user' | 'group'; id: string } {
  return spec.startsWith('user:') ? { targetType: 'user', id: spec.slice(5) } : { targetType: 'group', id: spec };
}
