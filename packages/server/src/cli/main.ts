import { Command, CommanderError } from 'commander';
import { loadConfig, ConfigError, configTableMarkdown, type Config } from '../config/load.ts';
import { createLogger } from '../logger.ts';
import { invoke } from './invoke.ts';
import { printJson } from './output.ts';
import { ApiError } from '../errors.ts';
import { COMMANDS } from './commands/index.ts';
import './all-ops.ts';
import { readFileSync, writeFileSync } from 'node:fs';

/** Everything a command module needs: the configuration (read lazily) and the op invoker. */
export interface CliContext {
  config(): Config;
  invoke<R = unknown>(op: string, args?: Record<string, unknown>): Promise<R>;
}

export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  let cached: Config | undefined;
  const ctx: CliContext = {
    config: () => (cached ??= loadConfig(env)),
    invoke: (op, args) => invoke(ctx.config(), op, args),
  };
  const program = new Command('latchkey')
    .description('Latchkey — enterprise passkey platform. Every command reads the same LATCHKEY_* configuration as `serve`.')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('Start the Latchkey server (HTTP API, OIDC provider, console).')
    .action(async () => {
      const { serveCommand } = await import('./serve.ts');
      await serveCommand(ctx.config());
    });

  program
    .command('migrate')
    .description('Apply pending database migrations (also done at every boot).')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await ctx.invoke<{ applied: string[]; pending: string[] }>('migrate');
      if (o.json) printJson(r);
      else process.stdout.write(r.applied.length ? `applied: ${r.applied.join(', ')}\n` : 'database schema is current\n');
    });

  const config = program.command('config').description('Inspect configuration.');
  config
    .command('check')
    .description('Validate the configuration and print it (secrets hidden).')
    .action(() => {
      const c = ctx.config();
      printJson({ ...c, publicUrl: c.publicUrl.origin, masterKey: c.masterKey ? '[set]' : undefined, previousMasterKeys: c.previousMasterKeys ? '[set]' : undefined, databaseUrl: c.databaseUrl ? c.databaseUrl.replace(/\/\/[^@]*@/, '//***@') : undefined });
    });
  config
    .command('docs')
    .description('Print the configuration table (Markdown), or rewrite it in a file between <!-- config:start --> and <!-- config:end -->.')
    .option('--write <file>', 'file to update in place')
    .action((o: { write?: string }) => {
      const table = configTableMarkdown();
      if (!o.write) return void process.stdout.write(table + '\n');
      const text = readFileSync(o.write, 'utf8');
      const re = /(<!-- config:start -->)[\s\S]*?(<!-- config:end -->)/;
      if (!re.test(text)) throw new Error(`${o.write} has no <!-- config:start --> … <!-- config:end --> block`);
      writeFileSync(o.write, text.replace(re, (_m, a: string, b: string) => `${a}\n${table}\n${b}`));
    });

  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Runs the CLI; returns the exit code. Errors print one clear line, never a stack, unless DEBUG. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ConfigError) process.stderr.write(err.message + '\n');
    else if (err instanceof ApiError) process.stderr.write(`error: ${err.code}: ${err.message}\n`);
    else process.stderr.write(`error: ${(err as Error).message}\n`);
    if (env.DEBUG) process.stderr.write(String((err as Error).stack) + '\n');
    return 1;
  }
}

export { createLogger };
